from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.contrib.models import Interest
from app.core.models import Verification
from app.moderation.service import install_checker
from app.staff.models import StaffRole
from tests import factories
from tests.contracts import assert_error_shape
from tests.contrib_support import REVIEW, fake_checker, inbox, org_member, staff_headers

REVIEW_URL = "/api/v1/staff/review"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def held_achievement(session: Session, city: str = "putuo"):  # type: ignore[no-untyped-def]
    org, member, headers = org_member(session, city=city)
    row = factories.achievement(
        session,
        org_id=org.id,
        source="member",
        city_code=city,
        verification=Verification.pending,
        published_at=None,
        title=f"待审成果{REVIEW}",
    )
    return row, member, headers


class TestStaffReviewQueue:
    def test_city_staff_see_their_city_only(self, client: TestClient, session: Session) -> None:
        putuo, _, _ = held_achievement(session)
        nanjing, _, _ = held_achievement(session, city="nanjing")
        factories.achievement(session, verification=Verification.pending)  # a bureau record: 数据核验, not here
        r = client.get(f"{REVIEW_URL}/achievement", headers=staff_headers(session, role=StaffRole.reviewer))
        assert r.status_code == 200, r.text
        assert [(x["id"], x["kind"]) for x in r.json()] == [(putuo.id, "achievement")]
        assert REVIEW in r.json()[0]["texts"]["title"]
        district = staff_headers(session, role=StaffRole.district_admin, city=None)
        assert [x["id"] for x in client.get(f"{REVIEW_URL}/achievement", headers=district).json()] == [
            putuo.id,
            nanjing.id,
        ]

    def test_needs_staff_and_a_known_kind(self, client: TestClient, session: Session) -> None:
        _, _, member = org_member(session)
        assert_error_shape(client.get(f"{REVIEW_URL}/achievement", headers=member), 401)
        auditor = staff_headers(session, role=StaffRole.auditor)
        assert_error_shape(client.get(f"{REVIEW_URL}/achievement", headers=auditor), 403)
        assert_error_shape(client.get(f"{REVIEW_URL}/policy", headers=staff_headers(session)), 422)


class TestStaffReviewApprove:
    def test_approve_publishes_and_tells_the_owner(self, client: TestClient, session: Session) -> None:
        row, member, _ = held_achievement(session)
        r = client.post(f"{REVIEW_URL}/achievement/{row.id}/approve", headers=staff_headers(session))
        assert r.status_code == 200, r.text
        assert r.json() == {"kind": "achievement", "id": row.id, "verification": "verified"}
        assert client.get(f"/api/v1/showcase/achievements/{row.id}").status_code == 200
        assert [n.kind for n in inbox(session, member.id)] == ["review.achievement.approved"]
        assert session.exec(select(AuditLog).where(AuditLog.action == "review.achievement.approve")).first()
        again = client.post(f"{REVIEW_URL}/achievement/{row.id}/approve", headers=staff_headers(session))
        assert_error_shape(again, 409, "not_pending")

    def test_other_city_is_404_and_unchanged(self, client: TestClient, session: Session) -> None:
        row, member, _ = held_achievement(session, city="nanjing")
        r = client.post(f"{REVIEW_URL}/achievement/{row.id}/approve", headers=staff_headers(session, city="wuxi"))
        assert_error_shape(r, 404)
        session.refresh(row)
        assert row.verification == "pending" and inbox(session, member.id) == []
        assert_error_shape(client.post(f"{REVIEW_URL}/job/{row.id}/approve", headers=staff_headers(session)), 404)

    def test_approved_interest_reaches_the_owner_then(self, client: TestClient, session: Session) -> None:
        owner, owner_member, _ = org_member(session)
        _, _, headers = org_member(session, "某企业", org_type="enterprise")
        target = factories.achievement(session, org_id=owner.id, source="member")
        r = client.post(
            f"/api/v1/showcase/achievements/{target.id}/interests", json={"message": f"想合作{REVIEW}"}, headers=headers
        )
        assert r.status_code == 201, r.text
        assert inbox(session, owner_member.id) == []
        queue = client.get(f"{REVIEW_URL}/interest", headers=staff_headers(session)).json()
        assert [x["id"] for x in queue] == [r.json()["id"]]
        ok = client.post(f"{REVIEW_URL}/interest/{r.json()['id']}/approve", headers=staff_headers(session))
        assert ok.status_code == 200, ok.text
        assert [n.kind for n in inbox(session, owner_member.id)] == ["achievement.interest"]


class TestStaffReviewReject:
    def test_reject_with_reason_and_resubmit(self, client: TestClient, session: Session) -> None:
        row, member, headers = held_achievement(session)
        r = client.post(
            f"{REVIEW_URL}/achievement/{row.id}/reject", json={"reason": "缺少技术指标"}, headers=staff_headers(session)
        )
        assert r.status_code == 200, r.text
        assert r.json()["verification"] == "rejected"
        notes = inbox(session, member.id)
        assert [n.kind for n in notes] == ["review.achievement.rejected"] and "缺少技术指标" in notes[0].body
        mine = client.get("/api/v1/my/achievements", headers=headers).json()
        assert mine[0]["reject_reason"] == "缺少技术指标"
        r = client.patch(f"/api/v1/showcase/achievements/{row.id}", json={"title": "补充指标后的成果"}, headers=headers)
        assert r.status_code == 200 and r.json()["verification"] == "verified"

    def test_reason_required_and_other_city_unchanged(self, client: TestClient, session: Session) -> None:
        row, _, _ = held_achievement(session, city="suzhou")
        assert_error_shape(
            client.post(f"{REVIEW_URL}/achievement/{row.id}/reject", json={}, headers=staff_headers(session)), 422
        )
        r = client.post(
            f"{REVIEW_URL}/achievement/{row.id}/reject", json={"reason": "不通过"}, headers=staff_headers(session)
        )
        assert_error_shape(r, 404)
        session.refresh(row)
        assert row.verification == "pending"

    def test_rejected_interest_tells_the_asker_only(self, client: TestClient, session: Session) -> None:
        owner, owner_member, _ = org_member(session)
        _, asker, headers = org_member(session, "某企业", org_type="enterprise")
        target = factories.achievement(session, org_id=owner.id, source="member")
        r = client.post(
            f"/api/v1/showcase/achievements/{target.id}/interests", json={"message": REVIEW}, headers=headers
        )
        interest_id = r.json()["id"]
        r = client.post(
            f"{REVIEW_URL}/interest/{interest_id}/reject", json={"reason": "留言不当"}, headers=staff_headers(session)
        )
        assert r.status_code == 200, r.text
        assert inbox(session, owner_member.id) == []
        assert [n.kind for n in inbox(session, asker.id)] == ["review.interest.rejected"]
        assert session.get(Interest, interest_id).verification == "rejected"  # type: ignore[union-attr]
