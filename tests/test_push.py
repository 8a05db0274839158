"""Batch push: outcomes per record, atomic batches, idempotency, city confinement, coordinates, verification."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.boards.resources.models import Resource
from app.bureaus.models import BureauKey, PushBatch
from app.core.models import Verification, utcnow
from tests import factories
from tests.contracts import assert_error_shape
from tests.push_helpers import headers, resource_record

URL = "/api/v1/push/resource"


def count(session: Session, model: Any = Resource, *conds: Any) -> int:
    return int(session.exec(select(sa.func.count()).select_from(model).where(*conds)).one())


def push(client: TestClient, key: str, records: list[dict[str, Any]], idem: str | None = None, **kw: Any) -> Any:
    return client.post(URL, json={"records": records, **kw}, headers=headers(key, idem))


class TestPushBatch:
    def test_create_update_unchanged(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        r = push(client, key, [resource_record(1), resource_record(2)])
        assert r.status_code == 200, r.text
        body = r.json()
        assert [x["outcome"] for x in body["results"]] == ["created", "created"]
        assert body["counts"]["created"] == 2 and body["status"] == "applied"
        rows = session.exec(select(Resource).where(Resource.city_code == "wuxi")).all()
        assert {(x.source, x.source_id, x.verification) for x in rows} == {
            ("bureau", "R-000001", "pending"),
            ("bureau", "R-000002", "pending"),
        }
        r = push(client, key, [resource_record(1), resource_record(2, name="无锡新名字")])
        assert [x["outcome"] for x in r.json()["results"]] == ["unchanged", "updated"]
        assert r.json()["results"][1]["id"] == body["results"][1]["id"]
        assert count(session, Resource, Resource.name == "无锡新名字") == 1
        assert count(session) == 2

    def test_updates_that_change_different_fields_in_one_batch(self, client: TestClient, session: Session) -> None:
        # Each row sets only what changed, rows grouped by the columns they change: three groups here, one untouched.
        _, key = factories.bureau_key(session)
        first = [resource_record(i, lat=31.5, lng=120.3, coord_system="wgs84") for i in range(4)]
        assert push(client, key, first).status_code == 200
        second = [
            resource_record(0, lat=31.5, lng=120.3, coord_system="wgs84", name="无锡改名平台"),
            resource_record(1, lat=31.6, lng=120.3, coord_system="wgs84", capabilities="中试放大"),
            resource_record(2, lat=31.5, lng=120.3, coord_system="wgs84", name="无锡又一名字", capabilities="失效分析"),
            resource_record(3, lat=31.5, lng=120.3, coord_system="wgs84"),
        ]
        r = push(client, key, second)
        assert [x["outcome"] for x in r.json()["results"]] == ["updated", "updated", "updated", "unchanged"], r.text
        session.expire_all()
        rows = {x.source_id: x for x in session.exec(select(Resource).where(Resource.city_code == "wuxi")).all()}
        got = {sid: (x.name, x.capabilities, round(x.lat or 0, 1)) for sid, x in rows.items()}  # stored as GCJ-02
        assert got == {
            "R-000000": ("无锡改名平台", "检测认证", 31.5),
            "R-000001": ("无锡测试平台1", "中试放大", 31.6),
            "R-000002": ("无锡又一名字", "失效分析", 31.5),
            "R-000003": ("无锡测试平台3", "检测认证", 31.5),
        }
        assert {x.verification for x in rows.values()} == {"pending"}
        assert rows["R-000003"].updated_at < rows["R-000000"].updated_at

    def test_ten_batches_sent_three_times_make_ten_thousand_rows(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        batches = [[resource_record(b * 1000 + i) for i in range(1000)] for b in range(10)]
        for attempt in range(3):
            for b, records in enumerate(batches):
                # Attempt 1 retries with the same Idempotency-Key, attempt 2 sends the same data under a new one.
                idem = f"batch-{b:04d}" if attempt < 2 else f"again-{b:04d}"
                r = push(client, key, records, idem)
                assert r.status_code == 200, r.text[:500]
                expected = "created" if attempt < 2 else "unchanged"  # a replay answers as the first time
                assert r.json()["counts"][expected] == 1000
                assert r.headers["Idempotent-Replayed"] == ("true" if attempt == 1 else "false")
        assert count(session) == 10_000
        assert count(session, PushBatch) == 20

    def test_seven_bad_records_reject_an_atomic_batch(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        bad = {3: {"name": ""}, 100: {"kind": "castle"}, 250: {"lat": 95.0, "lng": 120.0}, 400: {"area_sqm": "大"}}
        records = [resource_record(i, **bad.get(i, {})) for i in range(1000)]
        records[500].pop("name")
        records[600]["city_code"] = "nanjing"
        records[999]["unknown_field"] = 1
        r = push(client, key, records)
        body = assert_error_shape(r, 422, "push_rejected")
        report = body["detail"]
        errors = {x["index"]: x["errors"] for x in report["results"] if x["outcome"] == "error"}
        assert set(errors) == {3, 100, 250, 400, 500, 600, 999}
        assert errors[3][0]["field"] == "name" and errors[3][0]["path"] == "records[3].name"
        assert errors[100][0]["field"] == "kind" and errors[100][0]["message"] == "取值不在允许范围内"
        assert errors[250][0]["field"] == "lat"
        assert errors[400][0]["field"] == "area_sqm"
        assert errors[500][0]["message"] == "必填"
        assert errors[600][0]["type"] == "city_forbidden"
        assert errors[999][0]["field"] == "unknown_field"
        assert report["counts"]["error"] == 7 and report["counts"]["skipped"] == 993
        assert count(session) == 0

    def test_atomic_false_writes_the_good_ones(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        records = [resource_record(i) for i in range(1000)]
        for i in (1, 50, 200, 300, 700, 800, 998):
            records[i]["kind"] = "nonsense"
        r = push(client, key, records, atomic=False)
        assert r.status_code == 200, r.text[:500]
        assert r.json()["status"] == "partial"
        assert r.json()["counts"]["created"] == 993 and r.json()["counts"]["error"] == 7
        assert count(session) == 993

    def test_out_of_order_versions_are_stale(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        t = utcnow()
        newer = resource_record(1, name="新版", source_updated_at=t.isoformat())
        older = resource_record(1, name="旧版", source_updated_at=(t - timedelta(hours=1)).isoformat())
        assert push(client, key, [newer]).json()["results"][0]["outcome"] == "created"
        r = push(client, key, [older])
        assert r.json()["results"][0]["outcome"] == "stale"
        assert session.exec(select(Resource.name)).one() == "新版"

    def test_duplicate_source_id_in_one_batch(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        r = push(client, key, [resource_record(1), resource_record(1)])
        errors = assert_error_shape(r, 422)["detail"]["results"][1]["errors"]
        assert errors[0]["type"] == "duplicate"
        assert count(session) == 0

    def test_removal_by_source_id(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session, trusted=True)
        push(client, key, [resource_record(1), resource_record(2)])
        r = client.post(URL, json={"remove": ["R-000001", "NOPE"]}, headers=headers(key))
        assert r.status_code == 200, r.text
        assert [x["outcome"] for x in r.json()["removals"]] == ["removed", "unchanged"]
        assert r.json()["removals"][1]["warnings"][0]["type"] == "not_found"
        public = client.get("/api/v1/resources/resources").json()
        assert [x["name"] for x in public["items"]] == ["无锡测试平台2"]
        # Pushing it again brings it back.
        r = push(client, key, [resource_record(1)])
        assert r.json()["results"][0]["outcome"] == "updated"
        assert client.get("/api/v1/resources/resources").json()["total"] == 2

    def test_more_than_1000_records_refused(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        r = push(client, key, [resource_record(i) for i in range(1001)])
        assert_error_shape(r, 422, "validation_error")
        assert count(session) == 0

    def test_body_over_5_mib_refused(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        records = [resource_record(i, description="长" * 2000) for i in range(1000)]
        r = push(client, key, records)
        assert_error_shape(r, 413, "payload_too_large")
        assert count(session) == 0

    def test_scope_refused(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session, scopes=("policy",))
        assert_error_shape(push(client, key, [resource_record(1)]), 403, "scope_forbidden")
        assert count(session) == 0


class TestPushAuth:
    def test_revoked_and_expired_keys(self, client: TestClient, session: Session) -> None:
        bureau, key = factories.bureau_key(session)
        row = session.exec(select(BureauKey).where(BureauKey.bureau_id == bureau.id)).one()
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()
        assert_error_shape(push(client, key, [resource_record(1)]), 401, "api_key_revoked")
        bureau2, key2 = factories.bureau_key(session)
        row2 = session.exec(select(BureauKey).where(BureauKey.bureau_id == bureau2.id)).one()
        row2.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row2)
        session.flush()
        assert_error_shape(push(client, key2, [resource_record(1)]), 401, "api_key_expired")
        assert count(session) == 0

    def test_missing_and_malformed_key(self, client: TestClient, session: Session) -> None:
        r = client.post(URL, json={"records": [resource_record(1)]}, headers={"Idempotency-Key": "abcdefgh"})
        assert_error_shape(r, 401, "api_key_required")
        r = push(client, "yhn_abcdefgh_" + "A" * 38, [resource_record(1)])
        assert_error_shape(r, 401, "api_key_malformed")


class TestIdempotency:
    def test_required(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        r = client.post(URL, json={"records": [resource_record(1)]}, headers={"Authorization": f"Bearer {key}"})
        assert_error_shape(r, 400, "idempotency_key_required")
        assert count(session) == 0

    def test_same_key_other_body(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        idem = uuid.uuid4().hex
        assert push(client, key, [resource_record(1)], idem).status_code == 200
        r = push(client, key, [resource_record(2)], idem)
        assert_error_shape(r, 422, "idempotency_key_reused")
        assert count(session) == 1

    def test_replay_returns_first_answer_even_after_changes(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        idem = uuid.uuid4().hex
        first = push(client, key, [resource_record(1)], idem)
        push(client, key, [resource_record(1, name="改过")])
        again = push(client, key, [resource_record(1)], idem)
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert session.exec(select(Resource.name)).one() == "改过"

    def test_rejected_batch_is_replayed_too(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        idem = uuid.uuid4().hex
        first = push(client, key, [resource_record(1, kind="x")], idem)
        again = push(client, key, [resource_record(1, kind="x")], idem)
        assert first.status_code == again.status_code == 422
        assert again.json() == first.json()

    def test_scoped_to_the_api_key(self, client: TestClient, session: Session) -> None:
        _, key_a = factories.bureau_key(session)
        _, key_b = factories.bureau_key(session, "nanjing")
        idem = uuid.uuid4().hex
        assert push(client, key_a, [resource_record(1)], idem).json()["counts"]["created"] == 1
        r = push(client, key_b, [resource_record(1)], idem)
        assert r.json()["counts"]["created"] == 1 and r.headers["Idempotent-Replayed"] == "false"


class TestCityConfinement:
    def test_key_of_city_a_never_changes_city_b(self, client: TestClient, session: Session) -> None:
        _, nanjing_key = factories.bureau_key(session, "nanjing", trusted=True)
        push(client, nanjing_key, [resource_record(i) for i in range(3)])
        before = session.exec(select(Resource).order_by(Resource.id)).all()  # type: ignore[arg-type]
        snapshot = [(r.id, r.name, r.city_code, r.publication, r.updated_at) for r in before]
        _, wuxi_key = factories.bureau_key(session, "wuxi")
        # Same source_ids, an explicit city, a removal: all land in Wuxi or are refused.
        r = push(
            client, wuxi_key, [resource_record(0, name="无锡的"), resource_record(1, city_code="nanjing")], atomic=False
        )
        assert [x["outcome"] for x in r.json()["results"]] == ["created", "error"]
        r = client.post(URL, json={"remove": ["R-000002"]}, headers=headers(wuxi_key))
        assert r.json()["removals"][0]["outcome"] == "unchanged"
        session.expire_all()
        after = session.exec(select(Resource).where(Resource.city_code == "nanjing").order_by(Resource.id)).all()  # type: ignore[arg-type]
        assert [(r.id, r.name, r.city_code, r.publication, r.updated_at) for r in after] == snapshot
        assert count(session, Resource, Resource.city_code == "wuxi") == 1


class TestCoordinates:
    def test_stored_as_gcj02_with_outside_city_warning(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        # 无锡 (WGS-84 31.4906, 120.3119) -> GCJ-02 shifts about 0.002° north-west of east.
        records = [
            resource_record(1, lat=31.4906, lng=120.3119, coord_system="wgs84"),
            resource_record(2, lat=31.4906, lng=120.3119),
            resource_record(3, lat=31.4966, lng=120.3185, coord_system="bd09"),
            resource_record(4, lat=39.9, lng=116.4),  # Beijing
        ]
        r = push(client, key, records)
        assert r.status_code == 200, r.text
        rows = {x.source_id: x for x in session.exec(select(Resource)).all()}
        wgs, gcj, bd = rows["R-000001"], rows["R-000002"], rows["R-000003"]
        assert gcj.lat == 31.4906 and gcj.lng == 120.3119
        assert wgs.lat is not None and wgs.lng is not None
        assert 0.0005 < abs(wgs.lat - 31.4906) < 0.01 and 0.001 < abs(wgs.lng - 120.3119) < 0.01
        assert (
            bd.lat is not None
            and abs(bd.lat - 31.4906) < 0.002
            and bd.lng is not None
            and abs(bd.lng - 120.3119) < 0.002
        )
        warnings = {x["index"]: x.get("warnings", []) for x in r.json()["results"]}
        assert warnings[0] == [] and warnings[1] == []
        assert warnings[3][0]["type"] == "outside_city" and "无锡" in warnings[3][0]["message"]
        assert r.json()["counts"]["warning"] == 1

    def test_half_a_point_is_an_error(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        r = push(client, key, [resource_record(1, lat=31.5)])
        assert assert_error_shape(r, 422)["detail"]["results"][0]["errors"][0]["field"] == "lng"


class TestVerificationOnPush:
    def test_untrusted_waits_trusted_is_public(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        _, trusted = factories.bureau_key(session, "nanjing", trusted=True)
        push(client, key, [resource_record(1)])
        push(client, trusted, [resource_record(2)])
        items = client.get("/api/v1/resources/resources").json()["items"]
        assert [(x["city_code"], x["name"]) for x in items] == [("nanjing", "无锡测试平台2")]

    def test_update_of_verified_record_waits_again(self, client: TestClient, session: Session) -> None:
        _, key = factories.bureau_key(session)
        push(client, key, [resource_record(1)])
        session.exec(sa.update(Resource).values(verification=Verification.verified))  # type: ignore[call-overload]
        push(client, key, [resource_record(1)])
        assert session.exec(select(Resource.verification)).one() == "verified"  # unchanged keeps its state
        push(client, key, [resource_record(1, capabilities="新的能力")])
        session.expire_all()
        assert session.exec(select(Resource.verification)).one() == "pending"
