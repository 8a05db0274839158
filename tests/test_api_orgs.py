"""Organisations: register, claim, edit, act for one; staff verify and review claims; every id checked across
members, organisations and cities."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.core.models import Verification
from app.members.models import Member, OrgMembership
from app.notifications.models import Notification
from app.orgs.credit_code import is_valid
from app.orgs.models import ClaimStatus, Organization, OrgClaim
from app.staff.models import StaffUser
from app.staff.service import open_session
from tests import factories
from tests.conftest import bearer
from tests.contracts import assert_error_shape


def staff(session: Session, role: str = "district_admin", city_code: str | None = None) -> tuple[StaffUser, str]:
    user = factories.add(
        session,
        StaffUser(username=f"{role}-{secrets.token_hex(4)}", password_hash="!", role=role, city_code=city_code),
    )
    token, _ = open_session(session, user)
    session.flush()
    return user, token


def new_org(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(
        name="常州某新材料有限公司",
        credit_code=factories.credit_code(1),
        org_type="enterprise",
        city_code="changzhou",
        industries=[],
        intro="专注高镍正极",
    )
    data.update(kw)
    return data


class TestCreditCode:
    def test_check_character(self) -> None:
        assert is_valid("91110000802100433B")  # a real code
        assert is_valid("12100000425006117P")
        assert not is_valid("91110000802100433C")
        assert not is_valid("91110000802100433")
        assert not is_valid("9111000080210043IB")  # I is not in the alphabet
        assert all(is_valid(factories.credit_code(n)) for n in range(50))


class TestOrgRegister:
    def test_pending_with_member_as_admin(self, client: TestClient, session: Session) -> None:
        m, token = factories.member(session, "ofake_a")
        r = client.post("/api/v1/orgs", json=new_org(), headers=bearer(token))
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["verification"] == "pending" and body["my_role"] == "admin"
        ms = session.exec(select(OrgMembership).where(OrgMembership.member_id == m.id)).one()
        assert ms.org_id == body["id"] and ms.role == "admin"
        assert session.exec(select(AuditLog).where(AuditLog.action == "org.register")).first()

    def test_bad_check_character(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        bad = factories.credit_code(1)[:-1] + ("0" if factories.credit_code(1)[-1] != "0" else "1")
        r = client.post("/api/v1/orgs", json=new_org(credit_code=bad), headers=bearer(token))
        body = assert_error_shape(r, 422, "validation_error")
        assert "统一社会信用代码" in body["message"]

    def test_known_code_must_be_claimed(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(2))
        _, token = factories.member(session, "ofake_a")
        r = client.post("/api/v1/orgs", json=new_org(credit_code=org.credit_code), headers=bearer(token))
        assert assert_error_shape(r, 409, "org_exists")["detail"] == {"org_id": org.id}

    def test_consent_required(self, client: TestClient, session: Session) -> None:
        m, token = factories.member(session, "ofake_a")
        m.privacy_version = None
        session.add(m)
        session.flush()
        assert_error_shape(client.post("/api/v1/orgs", json=new_org(), headers=bearer(token)), 403)
        assert session.exec(select(Organization)).all() == []

    def test_no_mass_assignment_and_unknown_industry(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        r = client.post("/api/v1/orgs", json=new_org(verification="verified"), headers=bearer(token))
        assert_error_shape(r, 422)
        r = client.post("/api/v1/orgs", json=new_org(industries=["no_such"]), headers=bearer(token))
        assert_error_shape(r, 422, "industry_unknown")

    def test_risky_name_refused(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        _, token = factories.member(session, "ofake_a")
        r = client.post("/api/v1/orgs", json=new_org(intro="赌博"), headers=bearer(token))
        assert_error_shape(r, 422, "content_risky")


class TestOrgClaim:
    def test_claim_then_staff_approve(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(3))
        factories.member(session, "ofake_admin", org=org)
        m, token = factories.member(session, "ofake_b")
        r = client.post("/api/v1/orgs/claims", json={"credit_code": org.credit_code}, headers=bearer(token))
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "pending" and r.json()["org_name"] == "甲"
        assert_error_shape(
            client.post("/api/v1/orgs/claims", json={"credit_code": org.credit_code}, headers=bearer(token)),
            409,
            "claim_pending",
        )
        _, st = staff(session)
        r = client.post(f"/api/v1/staff/org-claims/{r.json()['id']}/approve", headers=bearer(st))
        assert r.status_code == 200, r.text
        session.refresh(m)
        assert m.acting_org_id == org.id
        assert session.exec(select(OrgMembership).where(OrgMembership.member_id == m.id)).one().role == "member"
        kinds = session.exec(select(Notification.kind).where(Notification.member_id == m.id)).all()
        assert kinds == ["org_claim.approved"]

    def test_unknown_code(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_b")
        r = client.post("/api/v1/orgs/claims", json={"credit_code": factories.credit_code(9)}, headers=bearer(token))
        assert_error_shape(r, 404, "org_not_found")

    def test_already_member(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(3))
        _, token = factories.member(session, "ofake_a", org=org)
        r = client.post("/api/v1/orgs/claims", json={"credit_code": org.credit_code}, headers=bearer(token))
        assert_error_shape(r, 409, "already_member")

    def test_rejected_claim_may_be_made_again(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(3))
        m, token = factories.member(session, "ofake_b")
        claim = factories.org_claim(session, m, org, status=ClaimStatus.rejected, reject_reason="无法核实")
        r = client.post(
            "/api/v1/orgs/claims", json={"credit_code": org.credit_code, "note": "研发部"}, headers=bearer(token)
        )
        assert r.status_code == 201, r.text
        assert r.json()["id"] == claim.id and r.json()["status"] == "pending" and r.json()["reject_reason"] is None


class TestOrgMine:
    def test_lists_own_orgs_and_claims_only(self, client: TestClient, session: Session) -> None:
        a = factories.organization(session, "甲", factories.credit_code(1))
        b = factories.organization(session, "乙", factories.credit_code(2), verification=Verification.rejected)
        m, token = factories.member(session, "ofake_a", org=a)
        factories.org_claim(session, m, b)
        other, _ = factories.member(session, "ofake_other", org=b)
        factories.org_claim(session, other, a)
        body = client.get("/api/v1/orgs/mine", headers=bearer(token)).json()
        assert [o["id"] for o in body["orgs"]] == [a.id]
        assert [c["org_id"] for c in body["claims"]] == [b.id]
        assert body["acting_org_id"] == a.id


class TestOrgGet:
    def test_public_view_of_verified_org(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(1))
        body = client.get(f"/api/v1/orgs/{org.id}").json()
        assert body["name"] == "甲" and "credit_code" not in body and "verification" not in body

    def test_pending_org_only_for_its_members(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "乙", factories.credit_code(2), verification=Verification.pending)
        _, mine = factories.member(session, "ofake_a", org=org)
        _, theirs = factories.member(session, "ofake_b")
        assert_error_shape(client.get(f"/api/v1/orgs/{org.id}"), 404)
        assert_error_shape(client.get(f"/api/v1/orgs/{org.id}", headers=bearer(theirs)), 404)
        r = client.get(f"/api/v1/orgs/{org.id}", headers=bearer(mine))
        assert r.status_code == 200, r.text
        assert r.json()["verification"] == "pending" and r.json()["credit_code"] == org.credit_code


class TestOrgUpdate:
    def test_rejected_org_edited_goes_back_to_pending(self, client: TestClient, session: Session) -> None:
        org = factories.organization(
            session, "乙", factories.credit_code(2), verification=Verification.rejected, reject_reason="名称不符"
        )
        _, token = factories.member(session, "ofake_a", org=org)
        r = client.patch(f"/api/v1/orgs/{org.id}", json={"name": "乙有限公司"}, headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["verification"] == "pending" and r.json()["reject_reason"] is None

    def test_verified_name_locked_intro_editable(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(1))
        _, token = factories.member(session, "ofake_a", org=org)
        assert_error_shape(
            client.patch(f"/api/v1/orgs/{org.id}", json={"name": "新名"}, headers=bearer(token)),
            409,
            "org_verified_locked",
        )
        r = client.patch(f"/api/v1/orgs/{org.id}", json={"intro": "新简介"}, headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["intro"] == "新简介" and r.json()["verification"] == "verified"

    def test_other_member_and_plain_member_refused(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(1), intro="原简介")
        other_org = factories.organization(session, "乙", factories.credit_code(2))
        _, outsider = factories.member(session, "ofake_x", org=other_org)
        _, plain = factories.member(session, "ofake_p", org=org, role="member")
        assert_error_shape(client.patch(f"/api/v1/orgs/{org.id}", json={"intro": "x"}, headers=bearer(outsider)), 404)
        assert_error_shape(
            client.patch(f"/api/v1/orgs/{org.id}", json={"intro": "x"}, headers=bearer(plain)),
            403,
            "org_admin_required",
        )
        session.refresh(org)
        assert org.intro == "原简介"


class TestOrgSelectActing:
    def test_switch_between_own_verified_orgs(self, client: TestClient, session: Session) -> None:
        a = factories.organization(session, "甲", factories.credit_code(1))
        b = factories.organization(session, "乙", factories.credit_code(2))
        pending = factories.organization(session, "丙", factories.credit_code(3), verification=Verification.pending)
        foreign = factories.organization(session, "丁", factories.credit_code(4))
        m, token = factories.member(session, "ofake_a", org=a)
        factories.add(session, OrgMembership(member_id=m.id, org_id=b.id))
        factories.add(session, OrgMembership(member_id=m.id, org_id=pending.id))
        r = client.put("/api/v1/me/acting-org", json={"org_id": b.id}, headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["acting_org_id"] == b.id
        assert_error_shape(
            client.put("/api/v1/me/acting-org", json={"org_id": pending.id}, headers=bearer(token)),
            403,
            "org_not_verified",
        )
        assert_error_shape(client.put("/api/v1/me/acting-org", json={"org_id": foreign.id}, headers=bearer(token)), 404)
        session.refresh(m)
        assert m.acting_org_id == b.id


class TestStaffOrgList:
    def test_city_staff_see_only_their_city(self, client: TestClient, session: Session) -> None:
        cz = factories.organization(session, "常州甲", factories.credit_code(1), city_code="changzhou")
        nj = factories.organization(session, "南京乙", factories.credit_code(2), city_code="nanjing")
        _, city = staff(session, "city_admin", "changzhou")
        _, district = staff(session)
        r = client.get("/api/v1/staff/orgs", headers=bearer(city))
        assert r.status_code == 200, r.text
        assert [o["id"] for o in r.json()["items"]] == [cz.id]
        ids = [o["id"] for o in client.get("/api/v1/staff/orgs", headers=bearer(district)).json()["items"]]
        assert set(ids) >= {cz.id, nj.id}
        r = client.get("/api/v1/staff/orgs", params={"q": "南京"}, headers=bearer(district))
        assert [o["id"] for o in r.json()["items"]] == [nj.id]

    def test_members_and_anonymous_refused(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        assert_error_shape(client.get("/api/v1/staff/orgs"), 401)
        assert_error_shape(client.get("/api/v1/staff/orgs", headers=bearer(token)), 401)
        _, auditor = staff(session, "auditor")
        assert_error_shape(client.get("/api/v1/staff/orgs", headers=bearer(auditor)), 403, "role_forbidden")


class TestStaffOrgGet:
    def test_other_city_is_404(self, client: TestClient, session: Session) -> None:
        nj = factories.organization(session, "南京乙", factories.credit_code(2), city_code="nanjing")
        _, city = staff(session, "reviewer", "changzhou")
        assert_error_shape(client.get(f"/api/v1/staff/orgs/{nj.id}", headers=bearer(city)), 404)
        _, own = staff(session, "reviewer", "nanjing")
        r = client.get(f"/api/v1/staff/orgs/{nj.id}", headers=bearer(own))
        assert r.status_code == 200, r.text
        assert r.json()["credit_code"] == nj.credit_code


class TestStaffOrgVerify:
    def test_pending_to_verified_members_notified_and_acting(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(1), verification=Verification.pending)
        m, _ = factories.member(session, "ofake_a")
        factories.add(session, OrgMembership(member_id=m.id, org_id=org.id, role="admin"))
        user, token = staff(session, "city_admin", "putuo")
        r = client.post(f"/api/v1/staff/orgs/{org.id}/verify", headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["verification"] == "verified" and r.json()["reviewed_by"] == user.id
        session.refresh(m)
        assert m.acting_org_id == org.id
        assert session.exec(select(Notification.kind).where(Notification.member_id == m.id)).all() == ["org.verified"]
        audit = session.exec(select(AuditLog).where(AuditLog.action == "org.verified")).one()
        assert audit.object_id == str(org.id) and audit.actor_id == str(user.id)
        assert_error_shape(client.post(f"/api/v1/staff/orgs/{org.id}/verify", headers=bearer(token)), 409)

    def test_other_city_cannot_verify(self, client: TestClient, session: Session) -> None:
        org = factories.organization(
            session, "南京乙", factories.credit_code(2), city_code="nanjing", verification=Verification.pending
        )
        _, token = staff(session, "city_admin", "putuo")
        assert_error_shape(client.post(f"/api/v1/staff/orgs/{org.id}/verify", headers=bearer(token)), 404)
        session.refresh(org)
        assert org.verification == "pending"


class TestStaffOrgReject:
    def test_reason_required_and_told(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(1), verification=Verification.pending)
        m, _ = factories.member(session, "ofake_a")
        factories.add(session, OrgMembership(member_id=m.id, org_id=org.id, role="admin"))
        _, token = staff(session, "reviewer")
        assert_error_shape(client.post(f"/api/v1/staff/orgs/{org.id}/reject", json={}, headers=bearer(token)), 422)
        r = client.post(f"/api/v1/staff/orgs/{org.id}/reject", json={"reason": "营业执照不清晰"}, headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["verification"] == "rejected" and r.json()["reject_reason"] == "营业执照不清晰"
        note = session.exec(select(Notification).where(Notification.member_id == m.id)).one()
        assert note.kind == "org.rejected" and note.body == "营业执照不清晰"
        session.refresh(m)
        assert m.acting_org_id is None


class TestStaffOrgClaims:
    def test_city_scoped_list(self, client: TestClient, session: Session) -> None:
        cz = factories.organization(session, "常州甲", factories.credit_code(1), city_code="changzhou")
        nj = factories.organization(session, "南京乙", factories.credit_code(2), city_code="nanjing")
        m, _ = factories.member(session, "ofake_a")
        c1 = factories.org_claim(session, m, cz)
        factories.org_claim(session, m, nj)
        _, token = staff(session, "city_admin", "changzhou")
        r = client.get("/api/v1/staff/org-claims", headers=bearer(token))
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [c["id"] for c in items] == [c1.id]
        assert "openid" not in str(items)


class TestStaffOrgClaimApprove:
    def test_other_city_cannot_approve(self, client: TestClient, session: Session) -> None:
        nj = factories.organization(session, "南京乙", factories.credit_code(2), city_code="nanjing")
        m, _ = factories.member(session, "ofake_a")
        claim = factories.org_claim(session, m, nj)
        _, token = staff(session, "city_admin", "changzhou")
        assert_error_shape(client.post(f"/api/v1/staff/org-claims/{claim.id}/approve", headers=bearer(token)), 404)
        session.refresh(claim)
        assert claim.status == "pending"
        assert session.exec(select(OrgMembership).where(OrgMembership.member_id == m.id)).all() == []


class TestStaffOrgClaimReject:
    def test_rejected_with_reason(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲", factories.credit_code(1))
        m, _ = factories.member(session, "ofake_a")
        claim = factories.org_claim(session, m, org)
        _, token = staff(session)
        r = client.post(
            f"/api/v1/staff/org-claims/{claim.id}/reject", json={"reason": "非本单位员工"}, headers=bearer(token)
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "rejected"
        assert session.exec(select(OrgMembership).where(OrgMembership.member_id == m.id)).all() == []
        assert session.exec(select(Member).where(Member.id == m.id)).one().acting_org_id is None
        assert session.exec(select(OrgClaim).where(OrgClaim.id == claim.id)).one().reject_reason == "非本单位员工"
