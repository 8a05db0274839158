"""我要揭榜: applications, joint applications, privacy between organisations."""

# ruff: noqa: F811  (the `world` fixture is imported, then named as a test argument)

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.models import Verification, utcnow
from app.demands.models import Demand, DemandApplication
from tests import factories
from tests.contracts import assert_error_shape, ids
from tests.demand_world import APPLICATION, REVIEW_WORD, RISKY_WORD, World, content_check, kinds, world  # noqa: F401  (fixtures)


def apply_url(demand_id: int) -> str:
    return f"/api/v1/demands/{demand_id}/applications"


APPS = "/api/v1/applications"


def count_apps(session: Session, demand_id: int) -> int:
    return len(session.exec(select(DemandApplication).where(col(DemandApplication.demand_id) == demand_id)).all())


def app_status(session: Session, application: Any) -> str:
    session.refresh(application)
    return str(application.status)


class TestApplicationCreate:
    def test_joint_application(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        body = APPLICATION | {
            "partners": [{"org_id": world.partner.org.id, "role": "中试验证"}],
            "attachments": [{"name": "方案.pdf", "url": "https://files.example.com/p.pdf"}],
        }
        r = client.post(apply_url(d.id), json=body, headers=world.solver.h)
        assert r.status_code == 201, r.text
        got = r.json()
        assert got["status"] == "submitted" and got["org_name"] == world.solver.org.name
        assert got["partners"] == [{"org_id": world.partner.org.id, "name": world.partner.org.name, "role": "中试验证"}]
        assert got["demand_title"] == d.title and got["budget_wan_yuan"] == 140
        session.refresh(d)
        assert d.application_count == 1
        assert kinds(session, world.poster.member) == ["application_received"]
        assert kinds(session, world.poster_colleague.member) == ["application_received"]
        assert "openid" not in r.text

    def test_one_live_application_per_org(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        first = client.post(apply_url(d.id), json=APPLICATION, headers=world.solver.h)
        assert first.status_code == 201, first.text
        again = client.post(apply_url(d.id), json=APPLICATION, headers=world.solver.h)
        body = assert_error_shape(again, 409, "already_applied")
        assert body["detail"] == {"application_id": first.json()["id"]}
        # a colleague of the same organisation cannot add a second one either
        factories.member(session, "openid-solver-2", org=world.solver.org)
        assert count_apps(session, d.id) == 1
        # after withdrawing, the organisation may apply again
        assert client.post(f"{APPS}/{first.json()['id']}/withdraw", headers=world.solver.h).status_code == 200
        assert client.post(apply_url(d.id), json=APPLICATION, headers=world.solver.h).status_code == 201
        assert count_apps(session, d.id) == 2

    def test_database_refuses_a_second_live_row(self, session: Session, world: World) -> None:
        import pytest
        from sqlalchemy.exc import IntegrityError

        d = factories.demand(session, world.poster.org)
        factories.demand_application(session, d, world.solver.org, world.solver.member, status="withdrawn")
        factories.demand_application(session, d, world.solver.org, world.solver.member)
        with pytest.raises(IntegrityError), session.begin_nested():
            factories.demand_application(session, d, world.solver.org, world.solver.member, status="shortlisted")

    def test_only_open_demands(self, client: TestClient, session: Session, world: World) -> None:
        due = factories.demand(session, world.poster.org, deadline=utcnow() - timedelta(seconds=1))
        body = assert_error_shape(
            client.post(apply_url(due.id), json=APPLICATION, headers=world.solver.h), 409, "demand_not_open"
        )
        assert body["detail"] == {"status": "closed"}
        awarded = factories.demand(session, world.poster.org, status="awarded")
        assert_error_shape(
            client.post(apply_url(awarded.id), json=APPLICATION, headers=world.solver.h), 409, "demand_not_open"
        )
        for hidden in ("draft", "pending_review", "rejected", "withdrawn"):
            h = factories.demand(session, world.poster.org, status=hidden)
            assert_error_shape(client.post(apply_url(h.id), json=APPLICATION, headers=world.solver.h), 404)
            assert count_apps(session, h.id) == 0
        assert count_apps(session, due.id) == 0

    def test_not_to_own_demand(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        r = client.post(apply_url(d.id), json=APPLICATION, headers=world.poster_colleague.h)
        assert_error_shape(r, 403, "own_demand")

    def test_partner_must_be_another_verified_org(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        pending = factories.organization(session, "未认证所", "12320500MB7654321X", verification=Verification.pending)
        for partner in (pending.id, world.solver.org.id, world.poster.org.id, 999999):
            body = APPLICATION | {"partners": [{"org_id": partner, "role": "x"}]}
            assert_error_shape(client.post(apply_url(d.id), json=body, headers=world.solver.h), 422, "partner_invalid")
        twice = APPLICATION | {"partners": [{"org_id": world.partner.org.id}, {"org_id": world.partner.org.id}]}
        assert_error_shape(client.post(apply_url(d.id), json=twice, headers=world.solver.h), 422, "validation_error")
        assert count_apps(session, d.id) == 0

    def test_content_check(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        risky = APPLICATION | {"team": f"团队有{RISKY_WORD}"}
        assert_error_shape(client.post(apply_url(d.id), json=risky, headers=world.solver.h), 422, "content_risky")
        assert count_apps(session, d.id) == 0
        held = APPLICATION | {"proposal": f"方案内容{REVIEW_WORD}，含详细步骤"}
        r = client.post(apply_url(d.id), json=held, headers=world.solver.h)
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "pending_review"
        session.refresh(d)
        assert d.application_count == 0 and kinds(session, world.poster.member) == []
        assert ids(client.get(f"/api/v1/demands/{d.id}/applications", headers=world.poster.h)) == []
        assert_error_shape(client.get(f"{APPS}/{r.json()['id']}", headers=world.poster.h), 404)

    def test_needs_verified_org_and_valid_body(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        assert_error_shape(client.post(apply_url(d.id), json=APPLICATION), 401)
        assert_error_shape(client.post(apply_url(d.id), json=APPLICATION, headers=world.no_org), 403)
        for bad in ({"status": "selected"}, {"org_id": 1}, {"proposal": "短"}, {"budget_wan_yuan": 0}):
            assert_error_shape(client.post(apply_url(d.id), json=APPLICATION | bad, headers=world.solver.h), 422)
        assert count_apps(session, d.id) == 0


class TestApplicationMine:
    def test_own_org_only(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        mine = factories.demand_application(session, d, world.solver.org, world.solver.member)
        factories.demand_application(session, d, world.outsider.org, world.outsider.member)
        assert ids(client.get(f"{APPS}/mine", headers=world.solver.h)) == [mine.id]
        assert ids(client.get(f"{APPS}/mine", params={"status": "selected"}, headers=world.solver.h)) == []
        assert ids(client.get(f"{APPS}/mine", headers=world.poster.h)) == []
        assert_error_shape(client.get(f"{APPS}/mine", headers=world.no_org), 403)


class TestApplicationGet:
    def test_applicant_and_poster_only(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(
            session,
            d,
            world.solver.org,
            world.solver.member,
            partners=[{"org_id": str(world.partner.org.id), "name": "苏州某研究院", "role": "检测"}],
        )
        for h in (world.solver.h, world.poster.h, world.poster_colleague.h):
            r = client.get(f"{APPS}/{a.id}", headers=h)
            assert r.status_code == 200, r.text
            assert r.json()["proposal"] == a.proposal
        for h in (world.outsider.h, world.partner.h):
            assert_error_shape(client.get(f"{APPS}/{a.id}", headers=h), 404)
        assert_error_shape(client.get(f"{APPS}/{a.id}", headers=world.no_org), 403)
        assert_error_shape(client.get(f"{APPS}/999999", headers=world.solver.h), 404)


class TestApplicationWithdraw:
    def test_applicant_withdraws_poster_hears(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        r = client.post(f"{APPS}/{a.id}/withdraw", headers=world.solver.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "withdrawn" and r.json()["withdrawn_at"]
        assert kinds(session, world.poster.member) == ["application_withdrawn"]
        assert_error_shape(
            client.post(f"{APPS}/{a.id}/withdraw", headers=world.solver.h), 409, "application_withdraw_not_allowed"
        )

    def test_nobody_else_and_not_after_decision(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        for h in (world.poster.h, world.outsider.h):
            assert_error_shape(client.post(f"{APPS}/{a.id}/withdraw", headers=h), 404)
        assert app_status(session, a) == "submitted"
        s = factories.demand_application(
            session,
            factories.demand(session, world.poster.org),
            world.solver.org,
            world.solver.member,
            status="selected",
        )
        assert_error_shape(client.post(f"{APPS}/{s.id}/withdraw", headers=world.solver.h), 409)


class TestApplicationShortlist:
    def test_poster_shortlists(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        r = client.post(f"{APPS}/{a.id}/shortlist", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "shortlisted"
        assert kinds(session, world.solver.member) == ["application_shortlisted"]
        assert_error_shape(
            client.post(f"{APPS}/{a.id}/shortlist", headers=world.poster.h), 409, "application_shortlist_not_allowed"
        )

    def test_nobody_else(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        held = factories.demand_application(
            session, d, world.partner.org, world.partner.member, status="pending_review"
        )
        for h in (world.solver.h, world.outsider.h):
            assert_error_shape(client.post(f"{APPS}/{a.id}/shortlist", headers=h), 404)
        assert_error_shape(client.post(f"{APPS}/{held.id}/shortlist", headers=world.poster.h), 404)
        assert app_status(session, a) == "submitted" and app_status(session, held) == "pending_review"

    def test_not_after_award(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="awarded")
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        assert_error_shape(
            client.post(f"{APPS}/{a.id}/shortlist", headers=world.poster.h), 409, "demand_not_shortlistable"
        )
        assert app_status(session, a) == "submitted"
        session.refresh(d)
        assert isinstance(d, Demand) and d.status == "awarded"
