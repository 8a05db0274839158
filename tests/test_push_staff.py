"""Staff side of pushed data: verification queue, verify/reject, duplicates across cities, batches, templates."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.boards.resources.models import Resource
from app.bureaus.models import PushDuplicate
from app.demands.models import Demand
from tests import factories
from tests.contracts import assert_error_shape
from tests.push_helpers import headers, resource_record

PUSH = "/api/v1/push"
STAFF = "/api/v1/staff/push"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def pushed(client: TestClient, key: str, kind: str, records: list[dict[str, Any]]) -> list[int]:
    r = client.post(f"{PUSH}/{kind}", json={"records": records}, headers=headers(key))
    assert r.status_code == 200, r.text
    return [x["id"] for x in r.json()["results"]]


def demand_record(i: int, **kw: Any) -> dict[str, Any]:
    return {
        "source_id": f"D-{i}",
        "title": f"高温合金焊接工艺攻关{i}",
        "demand_type": "tackling",
        "org_name": "某企业",
        **kw,
    }


class TestPendingList:
    def test_city_staff_see_own_city_only(self, client: TestClient, session: Session) -> None:
        _, wuxi = factories.bureau_key(session, "wuxi")
        _, nanjing = factories.bureau_key(session, "nanjing")
        (w,) = pushed(client, wuxi, "resource", [resource_record(1)])
        (n,) = pushed(client, nanjing, "resource", [resource_record(1)])
        _, token = factories.staff(session, "reviewer", "wuxi")
        r = client.get(f"{STAFF}/pending/resource", headers=auth(token))
        assert r.status_code == 200, r.text
        assert [x["id"] for x in r.json()["items"]] == [w]
        assert r.json()["items"][0]["values"]["name"] == "无锡测试平台1"
        _, district = factories.staff(session)
        assert {x["id"] for x in client.get(f"{STAFF}/pending/resource", headers=auth(district)).json()["items"]} == {
            w,
            n,
        }


class TestVerify:
    def test_verify_makes_public_and_audits(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        (rid,) = pushed(client, key, "resource", [resource_record(1)])
        assert client.get("/api/v1/resources/resources").json()["total"] == 0
        _, token = factories.staff(session, "reviewer", "wuxi")
        r = client.post(f"{STAFF}/resource/{rid}/verify", json={"decision": "verified"}, headers=auth(token))
        assert r.status_code == 204, r.text
        assert [x["id"] for x in client.get("/api/v1/resources/resources").json()["items"]] == [rid]
        assert session.exec(select(AuditLog).where(AuditLog.action == "push.verified")).one().object_id == str(rid)
        r = client.post(f"{STAFF}/resource/{rid}/verify", json={"decision": "verified"}, headers=auth(token))
        assert_error_shape(r, 409, "not_pending")

    def test_reject_needs_reason(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        (rid,) = pushed(client, key, "resource", [resource_record(1)])
        _, token = factories.staff(session, "reviewer", "wuxi")
        r = client.post(f"{STAFF}/resource/{rid}/verify", json={"decision": "rejected"}, headers=auth(token))
        assert_error_shape(r, 422, "reason_required")
        body = {"decision": "rejected", "reason": "地址有误"}
        assert client.post(f"{STAFF}/resource/{rid}/verify", json=body, headers=auth(token)).status_code == 204
        row = session.get(Resource, rid)
        assert row is not None
        session.refresh(row)
        assert row.verification == "rejected" and row.reject_reason == "地址有误"

    def test_other_city_cannot_verify(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session, "nanjing")
        (rid,) = pushed(client, key, "resource", [resource_record(1)])
        _, token = factories.staff(session, "reviewer", "wuxi")
        r = client.post(f"{STAFF}/resource/{rid}/verify", json={"decision": "verified"}, headers=auth(token))
        assert_error_shape(r, 404, "record_not_found")
        assert session.exec(select(Resource.verification)).one() == "pending"

    def test_demand_goes_through_pending_review(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        (did,) = pushed(client, key, "demand", [demand_record(1)])
        row = session.get(Demand, did)
        assert row is not None and row.status == "pending_review" and row.source == "bureau"
        _, token = factories.staff(session, "city_admin", "wuxi")
        r = client.post(f"{STAFF}/demand/{did}/verify", json={"decision": "verified"}, headers=auth(token))
        assert r.status_code == 204, r.text
        session.refresh(row)
        assert row.status == "published" and row.published_at is not None
        # Published by the 揭榜挂帅 rule itself: reviewed by this staff user, audited as demand.approve.
        assert row.reviewed_by is not None
        assert session.exec(
            select(AuditLog.action).where(AuditLog.object_id == str(did), AuditLog.object_type == "demand")
        ).all() == ["demand.approve"]

    def test_pushed_demand_rejected_with_reason(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        (did,) = pushed(client, key, "demand", [demand_record(2)])
        _, token = factories.staff(session, "city_admin", "wuxi")
        r = client.post(f"{STAFF}/demand/{did}/verify", json={"decision": "rejected"}, headers=auth(token))
        assert_error_shape(r, 422, "reason_required")
        r = client.post(
            f"{STAFF}/demand/{did}/verify", json={"decision": "rejected", "reason": "信息不全"}, headers=auth(token)
        )
        assert r.status_code == 204, r.text
        row = session.get(Demand, did)
        assert row is not None
        session.refresh(row)
        assert row.status == "rejected" and row.reject_reason == "信息不全"


class TestDuplicates:
    def test_same_credit_code_or_name_address_from_two_cities(self, client: TestClient, session: Session) -> None:
        _, wuxi = factories.bureau_key(session, "wuxi")
        _, suzhou = factories.bureau_key(session, "suzhou")
        code = "12320000466007240D"
        (w1, w2) = pushed(
            client,
            wuxi,
            "resource",
            [
                resource_record(1, org_credit_code=code),
                resource_record(2, name="长三角检测中心", address="人民路 1 号"),
            ],
        )
        (s1, s2, _) = pushed(
            client,
            suzhou,
            "resource",
            [
                resource_record(7, name="另一个名字", org_credit_code=code),
                resource_record(8, name="长三角检测中心", address="人民路1号"),
                resource_record(9, name="长三角检测中心", address="别的路 2 号"),
            ],
        )
        rows = session.exec(select(PushDuplicate)).all()
        assert {(d.reason, d.record_id, d.other_record_id) for d in rows} == {
            ("credit_code", w1, s1),
            ("name_address", w2, s2),
        }
        # Pushing the same again adds no second flag; nothing is merged.
        pushed(client, suzhou, "resource", [resource_record(7, name="另一个名字2", org_credit_code=code)])
        assert len(session.exec(select(PushDuplicate)).all()) == 2
        assert session.exec(select(sa.func.count()).select_from(Resource)).one() == 5

    def test_list_and_resolve_scoped(self, client: TestClient, session: Session) -> None:
        _, wuxi = factories.bureau_key(session, "wuxi")
        _, suzhou = factories.bureau_key(session, "suzhou")
        code = "12320000466007240D"
        pushed(client, wuxi, "resource", [resource_record(1, org_credit_code=code)])
        pushed(client, suzhou, "resource", [resource_record(2, org_credit_code=code)])
        _, nanjing_staff = factories.staff(session, "reviewer", "nanjing")
        _, wuxi_staff = factories.staff(session, "reviewer", "wuxi")
        assert client.get(f"{STAFF}/duplicates", headers=auth(nanjing_staff)).json() == []
        dups = client.get(f"{STAFF}/duplicates", headers=auth(wuxi_staff)).json()
        assert len(dups) == 1
        body = {"resolution": "不同校区，非重复"}
        r = client.post(f"{STAFF}/duplicates/{dups[0]['id']}/resolve", json=body, headers=auth(nanjing_staff))
        assert_error_shape(r, 404)
        r = client.post(f"{STAFF}/duplicates/{dups[0]['id']}/resolve", json=body, headers=auth(wuxi_staff))
        assert r.status_code == 200, r.text
        assert r.json()["resolution"] == "不同校区，非重复"
        assert client.get(f"{STAFF}/duplicates", headers=auth(wuxi_staff)).json() == []


class TestStaffBatches:
    def test_city_scope(self, client: TestClient, session: Session) -> None:
        _, wuxi = factories.bureau_key(session, "wuxi")
        _, nanjing = factories.bureau_key(session, "nanjing")
        pushed(client, wuxi, "resource", [resource_record(1)])
        pushed(client, nanjing, "resource", [resource_record(1)])
        _, token = factories.staff(session, "reviewer", "wuxi")
        r = client.get(f"{STAFF}/batches", headers=auth(token))
        assert r.status_code == 200, r.text
        assert [b["city_code"] for b in r.json()["items"]] == ["wuxi"]
        _, district = factories.staff(session)
        items = client.get(f"{STAFF}/batches", headers=auth(district)).json()["items"]
        nanjing_batch = next(b for b in items if b["city_code"] == "nanjing")
        assert_error_shape(client.get(f"{STAFF}/batches/{nanjing_batch['id']}", headers=auth(token)), 404)
        r = client.get(f"{STAFF}/batches/{nanjing_batch['id']}", headers=auth(district))
        assert r.json()["response"]["counts"]["created"] == 1


class TestStaffImport:
    def test_same_validation_batch_in_the_bureau_name(self, client: TestClient, session: Session) -> None:
        from app.bureaus.kinds import PushKind
        from app.bureaus.models import PushBatch
        from tests.test_push_reports import filled

        bureau, _ = factories.bureau_key(session, "wuxi")
        user, token = factories.staff(session, "city_admin", "wuxi")
        data = filled(PushKind.resource, [{"source_id": "X1", "name": "无锡平台", "kind": "platform"}])
        files = {"file": ("r.xlsx", data, "application/octet-stream")}
        url = f"{STAFF}/bureaus/{bureau.id}/import/resource"
        r = client.post(url, files=files, headers={**auth(token), "Idempotency-Key": "staff-import-1"})
        assert r.status_code == 200, r.text
        assert r.json()["counts"]["created"] == 1
        again = client.post(url, files=files, headers={**auth(token), "Idempotency-Key": "staff-import-1"})
        assert again.json() == r.json() and again.headers["Idempotent-Replayed"] == "true"
        batch = session.exec(select(PushBatch)).one()
        assert (batch.bureau_id, batch.key_id, batch.staff_id, batch.origin) == (
            bureau.id,
            None,
            user.id,
            "staff_import",
        )
        row = session.exec(select(Resource)).one()
        assert (row.city_code, row.verification) == ("wuxi", "pending")

    def test_other_city_bureau(self, client: TestClient, session: Session) -> None:
        from app.bureaus.kinds import PushKind
        from tests.test_push_reports import filled

        bureau, _ = factories.bureau_key(session, "nanjing")
        _, token = factories.staff(session, "city_admin", "wuxi")
        data = filled(PushKind.resource, [{"source_id": "X1", "name": "平台", "kind": "platform"}])
        files = {"file": ("r.xlsx", data, "application/octet-stream")}
        r = client.post(
            f"{STAFF}/bureaus/{bureau.id}/import/resource",
            files=files,
            headers={**auth(token), "Idempotency-Key": "i-00000001"},
        )
        assert_error_shape(r, 404)
        assert session.exec(select(Resource)).all() == []
