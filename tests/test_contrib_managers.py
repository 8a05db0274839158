from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.boards.tech.models import TechManager
from app.core.models import Verification, utcnow
from app.demands.models import Demand
from app.managers import service
from app.managers.models import DemandAssignment, FollowUp
from app.moderation.service import install_checker
from app.staff.models import StaffRole
from tests import factories
from tests.contracts import assert_error_shape
from tests.contrib_support import REVIEW, RISKY, fake_checker, inbox, org_member, plain_member, staff_headers

APPLY = "/api/v1/tech/managers/applications"
CLAIMS = "/api/v1/tech/managers/claims"
ASSIGNMENTS = "/api/v1/tech/assignments"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def demand(session: Session, org: Any, **kw: Any) -> Demand:
    data: dict[str, Any] = dict(
        title="固态电池电解质界面攻关",
        demand_type="tackling",
        status="published",
        org_id=org.id,
        org_name=org.name,
        city_code=org.city_code,
        keywords=["固态电池", "电解质"],
        description="寻求界面阻抗解决方案",
        deadline=utcnow() + timedelta(days=30),
        published_at=utcnow(),
    )
    data.update(kw)
    return factories.add(session, Demand(**data))  # type: ignore[no-any-return]


def manager(session: Session, *, verified: bool = True, fields: list[str] | None = None) -> tuple[Any, dict[str, str]]:
    """A member with a manager profile: (profile, headers)."""
    _, member, headers = org_member(session, "苏州技术转移中心", org_type="service")
    profile = factories.tech_manager(
        session,
        member_id=member.id,
        source="member",
        fields=fields or ["固态电池"],
        completed_count=0,
        verification=Verification.verified if verified else Verification.pending,
    )
    return profile, headers


def apply_body(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "陈经理",
        "fields": ["储能", "光伏"],
        "city_code": "suzhou",
        "certificate_no": "JSJL-2026-018",
        "bio": "八年技术转移经验",
        "contact_phone": "13900003333",
    }
    data.update(kw)
    return data


class TestTechManagerApply:
    def test_application_waits_for_staff_then_is_public(self, client: TestClient, session: Session) -> None:
        org, member, headers = org_member(session, "苏州某服务机构", org_type="service")
        r = client.post(APPLY, json=apply_body(), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["verification"] == "pending" and r.json()["org_name"] == org.name
        assert_error_shape(client.get(f"/api/v1/tech/managers/{r.json()['id']}"), 404)
        assert_error_shape(client.post(APPLY, json=apply_body(), headers=headers), 409, "already_applied")
        queue = client.get("/api/v1/staff/review/manager", headers=staff_headers(session, city="suzhou")).json()
        assert [x["id"] for x in queue] == [r.json()["id"]]
        ok = client.post(
            f"/api/v1/staff/review/manager/{r.json()['id']}/approve", headers=staff_headers(session, city="suzhou")
        )
        assert ok.status_code == 200, ok.text
        public = client.get(f"/api/v1/tech/managers/{r.json()['id']}")
        assert public.status_code == 200, public.text
        assert public.json()["fields"] == ["储能", "光伏"] and public.json()["city_code"] == "suzhou"
        assert public.json()["completed_count"] == 0 and public.json()["contact_phone"] == "139****3333"
        assert [n.kind for n in inbox(session, member.id)] == ["review.manager.approved"]

    def test_refusals(self, client: TestClient, session: Session) -> None:
        _, _, pending = org_member(session, verification=Verification.pending)
        _, no_org = plain_member(session)
        _, _, headers = org_member(session)
        assert_error_shape(client.post(APPLY, json=apply_body(), headers=pending), 403, "org_not_verified")
        assert_error_shape(client.post(APPLY, json=apply_body(), headers=no_org), 403, "org_required")
        assert_error_shape(client.post(APPLY, json=apply_body(bio=RISKY), headers=headers), 422, "content_risky")
        assert_error_shape(client.post(APPLY, json=apply_body(fields=[]), headers=headers), 422)
        assert_error_shape(client.post(APPLY, json=apply_body(completed_count=99), headers=headers), 422)
        assert session.exec(select(TechManager)).all() == []
        r = client.post(APPLY, json=apply_body(bio=f"经历{REVIEW}"), headers=headers)
        assert r.status_code == 201 and r.json()["verification"] == "pending"


class TestMyManagerProfile:
    def test_own_profile_only(self, client: TestClient, session: Session) -> None:
        profile, headers = manager(session)
        _, other = plain_member(session)
        r = client.get("/api/v1/my/manager-profile", headers=headers)
        assert r.status_code == 200 and r.json()["id"] == profile.id
        assert_error_shape(client.get("/api/v1/my/manager-profile", headers=other), 404, "manager_profile_not_found")


class TestTechManagerClaim:
    def test_claim_tells_the_poster_who_may_decline(self, client: TestClient, session: Session) -> None:
        poster, poster_member, poster_headers = org_member(session, "常州某电池企业", org_type="enterprise")
        d = demand(session, poster)
        profile, headers = manager(session)
        r = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "active" and r.json()["origin"] == "claim"
        assert [n.kind for n in inbox(session, poster_member.id)] == ["manager.claimed"]
        _, second = manager(session)
        assert_error_shape(client.post(CLAIMS, json={"demand_id": d.id}, headers=second), 409, "demand_has_manager")
        assignment_id = r.json()["id"]
        _, _, stranger = org_member(session, org_type="enterprise")
        assert_error_shape(client.post(f"{ASSIGNMENTS}/{assignment_id}/decline", headers=stranger), 404)
        assert_error_shape(client.post(f"{ASSIGNMENTS}/{assignment_id}/decline", headers=headers), 404)
        r = client.post(f"{ASSIGNMENTS}/{assignment_id}/decline", headers=poster_headers)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "declined"
        assert [n.kind for n in inbox(session, profile.member_id)] == ["manager.declined"]
        # The demand is free again.
        assert client.post(CLAIMS, json={"demand_id": d.id}, headers=second).status_code == 201

    def test_refusals(self, client: TestClient, session: Session) -> None:
        poster, _, _ = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        other_field = demand(session, poster, title="生物医药检测", keywords=["检测"], description="医药")
        draft = demand(session, poster, status="draft")
        due = demand(session, poster, deadline=utcnow() - timedelta(hours=1))
        _, unverified = manager(session, verified=False)
        _, headers = manager(session)
        _, no_profile = plain_member(session)
        assert_error_shape(client.post(CLAIMS, json={"demand_id": d.id}, headers=unverified), 403)
        assert_error_shape(client.post(CLAIMS, json={"demand_id": d.id}, headers=no_profile), 404)
        r = client.post(CLAIMS, json={"demand_id": other_field.id}, headers=headers)
        assert_error_shape(r, 403, "field_mismatch")
        assert_error_shape(client.post(CLAIMS, json={"demand_id": draft.id}, headers=headers), 404)
        assert_error_shape(client.post(CLAIMS, json={"demand_id": due.id}, headers=headers), 409, "demand_not_open")
        assert session.exec(select(DemandAssignment)).all() == []


class TestStaffDemandAssignManager:
    def test_assign_in_own_city(self, client: TestClient, session: Session) -> None:
        poster, poster_member, _ = org_member(session, org_type="enterprise", city="changzhou")
        d = demand(session, poster)
        profile, _ = manager(session, fields=["生物医药"])  # staff may assign outside the fields
        url = f"/api/v1/staff/demands/{d.id}/manager"
        other_city = staff_headers(session, city="nanjing")
        assert_error_shape(client.post(url, json={"manager_id": profile.id}, headers=other_city), 404)
        reviewer = staff_headers(session, role=StaffRole.reviewer, city="changzhou")
        assert_error_shape(client.post(url, json={"manager_id": profile.id}, headers=reviewer), 403)
        assert session.exec(select(DemandAssignment)).all() == []
        admin = staff_headers(session, city="changzhou")
        r = client.post(url, json={"manager_id": profile.id}, headers=admin)
        assert r.status_code == 201, r.text
        assert r.json()["origin"] == "staff"
        assert [n.kind for n in inbox(session, profile.member_id)] == ["manager.assigned"]
        assert [n.kind for n in inbox(session, poster_member.id)] == ["manager.assigned"]
        unpublished, _ = manager(session, verified=False)
        assert_error_shape(client.post(url, json={"manager_id": unpublished.id}, headers=admin), 404)

    def test_one_live_manager(self, client: TestClient, session: Session) -> None:
        poster, _, _ = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        a, _ = manager(session)
        b, _ = manager(session)
        admin = staff_headers(session)
        url = f"/api/v1/staff/demands/{d.id}/manager"
        first = client.post(url, json={"manager_id": a.id}, headers=admin)
        assert first.status_code == 201
        assert_error_shape(client.post(url, json={"manager_id": b.id}, headers=admin), 409, "demand_has_manager")
        end = client.post(f"/api/v1/staff/assignments/{first.json()['id']}/end", headers=admin)
        assert end.status_code == 200 and end.json()["status"] == "ended"
        assert client.post(url, json={"manager_id": b.id}, headers=admin).status_code == 201


class TestStaffAssignmentEnd:
    def test_other_city_cannot_end(self, client: TestClient, session: Session) -> None:
        poster, _, _ = org_member(session, org_type="enterprise", city="nantong")
        d = demand(session, poster)
        _, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        r = client.post(
            f"/api/v1/staff/assignments/{assignment_id}/end", headers=staff_headers(session, city="taizhou")
        )
        assert_error_shape(r, 404)
        assignment = session.get(DemandAssignment, assignment_id)
        assert assignment is not None and assignment.status == "active"


class TestTechAssignmentFollowUp:
    def test_manager_records_poster_sees_and_hears(self, client: TestClient, session: Session) -> None:
        poster, poster_member, poster_headers = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        _, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        url = f"{ASSIGNMENTS}/{assignment_id}/follow-ups"
        body = {"happened_on": "2026-11-20", "contact_made": "与发榜方技术负责人面谈", "next_step": "约南大团队"}
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["verification"] == "verified"
        held = client.post(url, json={**body, "contact_made": f"电话沟通{REVIEW}"}, headers=headers)
        assert held.status_code == 201 and held.json()["verification"] == "pending"
        assert_error_shape(client.post(url, json={**body, "next_step": RISKY}, headers=headers), 422, "content_risky")
        kinds = [n.kind for n in inbox(session, poster_member.id)]
        assert kinds == ["manager.claimed", "manager.follow_up"]
        seen_by_poster = client.get(f"{ASSIGNMENTS}/{assignment_id}", headers=poster_headers).json()
        assert [f["contact_made"] for f in seen_by_poster["follow_ups"]] == ["与发榜方技术负责人面谈"]
        seen_by_manager = client.get(f"{ASSIGNMENTS}/{assignment_id}", headers=headers).json()
        assert len(seen_by_manager["follow_ups"]) == 2

    def test_only_the_manager_writes_and_only_they_and_the_poster_read(
        self, client: TestClient, session: Session
    ) -> None:
        poster, _, poster_headers = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        _, headers = manager(session)
        _, other_manager = manager(session)
        _, _, stranger = org_member(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        url = f"{ASSIGNMENTS}/{assignment_id}/follow-ups"
        body = {"happened_on": "2026-11-20", "contact_made": "电话沟通需求细节"}
        for h in (poster_headers, other_manager, stranger):
            assert_error_shape(client.post(url, json=body, headers=h), 404)
        for h in (other_manager, stranger):
            assert_error_shape(client.get(f"{ASSIGNMENTS}/{assignment_id}", headers=h), 404)
        assert session.exec(select(FollowUp)).all() == []


class TestMyAssignments:
    def test_lists_my_own(self, client: TestClient, session: Session) -> None:
        poster, _, _ = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        _, headers = manager(session)
        _, other = manager(session)
        assert client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).status_code == 201
        assert [x["demand_id"] for x in client.get("/api/v1/my/assignments", headers=headers).json()] == [d.id]
        assert client.get("/api/v1/my/assignments", headers=other).json() == []


class TestTechAssignmentRate:
    def test_after_acceptance_once_and_counted(self, client: TestClient, session: Session) -> None:
        poster, _, poster_headers = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        profile, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        url = f"{ASSIGNMENTS}/{assignment_id}/rating"
        assert_error_shape(client.post(url, json={"rating": 5}, headers=poster_headers), 409, "demand_not_completed")
        # The demand lifecycle moves the demand on and calls the hook at each change.
        for status in ("awarded", "completed"):
            d.status = status
            session.add(d)
            service.on_demand_status(session, d.id, status)  # type: ignore[arg-type]
        session.flush()
        kinds = [n.kind for n in inbox(session, profile.member_id)]
        assert kinds == ["manager.demand_status", "manager.demand_status"]
        session.refresh(profile)
        assert profile.completed_count == 1
        assert_error_shape(client.post(url, json={"rating": 5}, headers=headers), 404)  # the manager is not the poster
        _, _, stranger = org_member(session, org_type="enterprise")
        assert_error_shape(client.post(url, json={"rating": 5}, headers=stranger), 404)
        assert_error_shape(client.post(url, json={"rating": 6}, headers=poster_headers), 422)
        r = client.post(url, json={"rating": 4}, headers=poster_headers)
        assert r.status_code == 200, r.text
        assert r.json()["rating"] == 4 and r.json()["status"] == "completed"
        assert_error_shape(client.post(url, json={"rating": 1}, headers=poster_headers), 409, "already_rated")
        session.refresh(profile)
        assert profile.completed_count == 1
        public = client.get(f"/api/v1/tech/managers/{profile.id}")
        assert public.json()["completed_count"] == 1

    def test_rating_completes_when_the_hook_was_not_called(self, client: TestClient, session: Session) -> None:
        poster, _, poster_headers = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        profile, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        d.status = "completed"
        session.add(d)
        session.flush()
        r = client.post(f"{ASSIGNMENTS}/{assignment_id}/rating", json={"rating": 5}, headers=poster_headers)
        assert r.status_code == 200, r.text
        session.refresh(profile)
        assert profile.completed_count == 1
