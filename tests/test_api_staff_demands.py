"""Staff review of 榜单 and of 揭榜 applications held by the content check; a city's staff see only their city."""

# ruff: noqa: F811  (the `world` fixture is imported, then named as a test argument)

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditLog
from app.core.models import utcnow
from app.demands.models import Demand
from tests import factories
from tests.contracts import assert_error_shape, ids
from tests.demand_world import World, content_check, kinds, world  # noqa: F401  (fixtures)

URL = "/api/v1/staff/demands"
APPS = "/api/v1/staff/applications"


def status_of(session: Session, demand: Demand) -> str:
    session.refresh(demand)
    return demand.status


def audits(session: Session, action: str) -> list[AuditLog]:
    return list(session.exec(select(AuditLog).where(AuditLog.action == action).order_by(col(AuditLog.id))))


def pending(session: Session, org: object, **kw: object) -> Demand:
    return factories.demand(session, org, status="pending_review", published_at=None, submitted_at=utcnow(), **kw)  # type: ignore[no-any-return]


class TestStaffDemandList:
    def test_queue_by_city_flagged_first(self, client: TestClient, session: Session, world: World) -> None:
        clean = pending(session, world.poster.org, content_verdict="pass")
        flagged = pending(session, world.poster.org, content_verdict="review")
        nanjing = pending(session, world.solver.org, content_verdict="pass")
        factories.demand(session, world.poster.org)  # published: not in the default queue
        assert ids(client.get(URL, headers=world.district)) == [flagged.id, clean.id, nanjing.id]
        assert ids(client.get(URL, headers=world.putuo_reviewer)) == [flagged.id, clean.id]
        assert ids(client.get(URL, headers=world.nanjing_admin)) == [nanjing.id]
        # a city's staff asking for another city get nothing of it
        assert ids(client.get(URL, params={"city": "putuo"}, headers=world.nanjing_admin)) == []
        assert ids(client.get(URL, params={"city": "nanjing"}, headers=world.district)) == [nanjing.id]
        item = client.get(URL, headers=world.district).json()["items"][0]
        assert item["content_verdict"] == "review" and item["contact_phone"] == "13812345678"

    def test_other_states(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, deadline=utcnow() - timedelta(hours=1))
        assert ids(client.get(URL, params={"status": "closed"}, headers=world.district)) == [d.id]

    def test_staff_only(self, client: TestClient, session: Session, world: World) -> None:
        assert_error_shape(client.get(URL), 401)
        assert_error_shape(client.get(URL, headers=world.poster.h), 401)
        auditor = {"Authorization": f"Bearer {factories.staff_token(session, 'auditor-1', 'auditor')}"}
        assert_error_shape(client.get(URL, headers=auditor), 403, "role_forbidden")


class TestStaffDemandGet:
    def test_city_scope(self, client: TestClient, session: Session, world: World) -> None:
        d = pending(session, world.poster.org)
        r = client.get(f"{URL}/{d.id}", headers=world.putuo_reviewer)
        assert r.status_code == 200, r.text
        assert r.json()["title"] == d.title
        assert_error_shape(client.get(f"{URL}/{d.id}", headers=world.nanjing_admin), 404)
        assert_error_shape(client.get(f"{URL}/999999", headers=world.district), 404)


class TestStaffDemandApprove:
    def test_publishes_and_tells_the_poster(self, client: TestClient, session: Session, world: World) -> None:
        d = pending(session, world.poster.org)
        r = client.post(f"{URL}/{d.id}/approve", headers=world.putuo_reviewer)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "published" and r.json()["published_at"] and r.json()["reviewed_by"]
        assert kinds(session, world.poster.member) == ["demand_published"]
        assert kinds(session, world.poster_colleague.member) == ["demand_published"]
        [audit] = audits(session, "demand.approve")
        assert audit.object_id == str(d.id) and audit.actor_type == "staff" and audit.city_code == "putuo"
        assert client.get(f"/api/v1/demands/{d.id}").status_code == 200
        assert_error_shape(
            client.post(f"{URL}/{d.id}/approve", headers=world.district), 409, "demand_approve_not_allowed"
        )

    def test_other_city_cannot(self, client: TestClient, session: Session, world: World) -> None:
        d = pending(session, world.poster.org)
        assert_error_shape(client.post(f"{URL}/{d.id}/approve", headers=world.nanjing_admin), 404)
        assert status_of(session, d) == "pending_review" and audits(session, "demand.approve") == []
        assert kinds(session, world.poster.member) == []

    def test_deadline_passed_while_waiting(self, client: TestClient, session: Session, world: World) -> None:
        d = pending(session, world.poster.org, deadline=utcnow() - timedelta(minutes=1))
        assert_error_shape(client.post(f"{URL}/{d.id}/approve", headers=world.district), 409, "demand_deadline_passed")
        assert status_of(session, d) == "pending_review"


class TestStaffDemandReject:
    def test_reason_reaches_the_poster(self, client: TestClient, session: Session, world: World) -> None:
        d = pending(session, world.poster.org)
        r = client.post(f"{URL}/{d.id}/reject", json={"reason": "技术指标不明确"}, headers=world.district)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "rejected" and r.json()["reject_reason"] == "技术指标不明确"
        [note] = [n for n in session.exec(select(AuditLog).where(AuditLog.action == "demand.reject"))]
        assert note.detail == {"reason": "技术指标不明确"}
        assert kinds(session, world.poster.member) == ["demand_rejected"]
        mine = client.get(f"/api/v1/demands/mine/{d.id}", headers=world.poster.h).json()
        assert mine["reject_reason"] == "技术指标不明确"

    def test_needs_reason_scope_and_state(self, client: TestClient, session: Session, world: World) -> None:
        d = pending(session, world.poster.org)
        assert_error_shape(client.post(f"{URL}/{d.id}/reject", json={}, headers=world.district), 422)
        assert_error_shape(
            client.post(f"{URL}/{d.id}/reject", json={"reason": "不行"}, headers=world.nanjing_admin), 404
        )
        assert status_of(session, d) == "pending_review"
        p = factories.demand(session, world.poster.org)
        assert_error_shape(
            client.post(f"{URL}/{p.id}/reject", json={"reason": "不行"}, headers=world.district),
            409,
            "demand_reject_not_allowed",
        )


class TestStaffDemandReview:
    def test_many_at_once_each_on_its_own(self, client: TestClient, session: Session, world: World) -> None:
        a = pending(session, world.poster.org)
        b = pending(session, world.poster.org)
        other_city = pending(session, world.solver.org)
        body = {"ids": [a.id, other_city.id, b.id, 999999], "decision": "approve"}
        r = client.post(f"{URL}/review", json=body, headers=world.putuo_reviewer)
        assert r.status_code == 200, r.text
        results = {x["id"]: x for x in r.json()["results"]}
        assert results[a.id]["ok"] and results[b.id]["ok"]
        assert results[other_city.id] == {
            "id": other_city.id,
            "ok": False,
            "code": "demand_not_found",
            "message": results[other_city.id]["message"],
        }
        assert results[999999]["ok"] is False
        assert (status_of(session, a), status_of(session, b), status_of(session, other_city)) == (
            "published",
            "published",
            "pending_review",
        )
        assert len(audits(session, "demand.approve")) == 2

    def test_reject_many_needs_reason(self, client: TestClient, session: Session, world: World) -> None:
        a = pending(session, world.poster.org)
        body = {"ids": [a.id], "decision": "reject"}
        assert_error_shape(client.post(f"{URL}/review", json=body, headers=world.district), 422)
        r = client.post(f"{URL}/review", json=body | {"reason": "重复发布"}, headers=world.district)
        assert r.status_code == 200, r.text
        assert status_of(session, a) == "rejected"


class TestStaffApplicationList:
    def test_held_applications_by_city(self, client: TestClient, session: Session, world: World) -> None:
        pt = factories.demand(session, world.poster.org)
        nj = factories.demand(session, world.solver.org)
        held_pt = factories.demand_application(
            session, pt, world.solver.org, world.solver.member, status="pending_review", content_verdict="review"
        )
        held_nj = factories.demand_application(
            session, nj, world.poster.org, world.poster.member, status="pending_review"
        )
        factories.demand_application(session, pt, world.outsider.org, world.outsider.member)
        assert ids(client.get(APPS, headers=world.district)) == [held_pt.id, held_nj.id]
        assert ids(client.get(APPS, headers=world.putuo_reviewer)) == [held_pt.id]
        assert ids(client.get(APPS, headers=world.nanjing_admin)) == [held_nj.id]
        assert_error_shape(client.get(APPS, headers=world.solver.h), 401)


class TestStaffApplicationGet:
    def test_city_scope(self, client: TestClient, session: Session, world: World) -> None:
        pt = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, pt, world.solver.org, world.solver.member, status="pending_review")
        r = client.get(f"{APPS}/{a.id}", headers=world.putuo_reviewer)
        assert r.status_code == 200, r.text
        assert r.json()["content_verdict"] is None and r.json()["city_code"] == "putuo"
        assert_error_shape(client.get(f"{APPS}/{a.id}", headers=world.nanjing_admin), 404)


class TestStaffApplicationApprove:
    def test_releases_to_the_poster(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member, status="pending_review")
        assert_error_shape(client.post(f"{APPS}/{a.id}/approve", headers=world.nanjing_admin), 404)
        r = client.post(f"{APPS}/{a.id}/approve", headers=world.putuo_reviewer)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "submitted"
        session.refresh(d)
        assert d.application_count == 1
        assert kinds(session, world.poster.member) == ["application_received"]
        assert kinds(session, world.solver.member) == ["application_approved"]
        assert ids(client.get(f"/api/v1/demands/{d.id}/applications", headers=world.poster.h)) == [a.id]
        assert_error_shape(
            client.post(f"{APPS}/{a.id}/approve", headers=world.district), 409, "application_approve_not_allowed"
        )


class TestStaffApplicationReject:
    def test_reason_reaches_the_applicant_only(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member, status="pending_review")
        assert_error_shape(
            client.post(f"{APPS}/{a.id}/reject", json={"reason": "含不实信息"}, headers=world.nanjing_admin), 404
        )
        r = client.post(f"{APPS}/{a.id}/reject", json={"reason": "含不实信息"}, headers=world.district)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "rejected" and r.json()["reject_reason"] == "含不实信息"
        assert kinds(session, world.solver.member) == ["application_rejected"]
        assert kinds(session, world.poster.member) == []
        # the organisation may apply again: a rejected application is not live
        again = client.post(
            f"/api/v1/demands/{d.id}/applications",
            json={"proposal": "修改后的技术方案，删去不实内容。"},
            headers=world.solver.h,
        )
        assert again.status_code == 201, again.text
