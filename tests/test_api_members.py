"""Login through the fake WeChat, tokens, the profile and the privacy consent, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditLog
from app.core.models import utcnow
from app.core.security import token_digest
from app.members.models import Member, MemberSession
from app.members.privacy import PRIVACY_POLICY_VERSION
from app.wechat.fake import FakeWeChatServer
from tests import factories
from tests.conftest import bearer, login_member
from tests.contracts import assert_error_shape

LOGIN = "/api/v1/auth/login"


class TestLogin:
    def test_code_gives_our_token_and_never_the_session_key(
        self, client: TestClient, session: Session, fake_wechat: str
    ) -> None:
        token, body = login_member(client, "alice")
        assert token.startswith("mbr_")
        member = body["member"]
        assert isinstance(member, dict)
        assert member["openid"] == "ofake_alice"
        assert member["privacy_consent_required"] is False
        row = session.exec(select(MemberSession).where(MemberSession.token_hash == token_digest(token))).one()
        assert row.wechat_session_key and row.wechat_session_key not in str(body)
        assert "session_key" not in str(body)
        assert client.get("/api/v1/me", headers=bearer(token)).json()["openid"] == "ofake_alice"

    def test_same_user_same_member(self, client: TestClient, fake_wechat: str) -> None:
        _, first = login_member(client, "bob")
        _, second = login_member(client, "bob")
        assert first["member"]["id"] == second["member"]["id"]  # type: ignore[index]

    def test_without_consent_nothing_personal_is_kept(
        self, client: TestClient, session: Session, fake_wechat: str
    ) -> None:
        _, body = login_member(client, "carol", consent=False)
        member = body["member"]
        assert isinstance(member, dict)
        assert member["privacy_consent_required"] is True and member["unionid"] is None
        assert session.exec(select(Member).where(Member.openid == "ofake_carol")).one().unionid is None
        _, again = login_member(client, "carol", consent=True)
        assert again["member"]["unionid"] == "ufake_carol"  # type: ignore[index]

    def test_outdated_policy_version_refused_before_wechat(
        self, client: TestClient, fake_wechat: str, fake_wechat_server: FakeWeChatServer
    ) -> None:
        r = client.post(LOGIN, json={"code": "dave:1", "privacy_version": "0.9"})
        assert_error_shape(r, 422, "privacy_version_outdated")
        assert fake_wechat_server.state.calls.get("jscode2session", 0) == 0

    def test_wechat_errors(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        before = session.exec(select(sa.func.count()).select_from(Member)).one()
        assert_error_shape(client.post(LOGIN, json={"code": "invalid-x"}), 401, "wechat_code_invalid")
        assert_error_shape(client.post(LOGIN, json={"code": "ratelimit-x"}), 429, "wechat_rate_limited")
        assert_error_shape(client.post(LOGIN, json={"code": "busy-x"}), 503, "wechat_unavailable")
        assert_error_shape(client.post(LOGIN, json={"code": "blocked-x"}), 403, "wechat_user_blocked")
        assert_error_shape(client.post(LOGIN, json={"code": "slow-x"}), 503, "wechat_unavailable")
        assert session.exec(select(sa.func.count()).select_from(Member)).one() == before

    def test_code_works_once(self, client: TestClient, fake_wechat: str) -> None:
        assert client.post(LOGIN, json={"code": "erin:1"}).status_code == 200
        assert_error_shape(client.post(LOGIN, json={"code": "erin:1"}), 401, "wechat_code_invalid")

    def test_wechat_down(self, client: TestClient) -> None:
        assert_error_shape(client.post(LOGIN, json={"code": "frank:1"}), 503, "wechat_unavailable")

    def test_body_checked(self, client: TestClient) -> None:
        assert_error_shape(client.post(LOGIN, json={"code": ""}), 422)
        assert_error_shape(client.post(LOGIN, json={"code": "a", "openid": "x"}), 422)

    def test_audited(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        _, body = login_member(client, "gina")
        row = session.exec(select(AuditLog).where(AuditLog.action == "member.login")).all()[-1]
        assert row.actor_id == str(body["member"]["id"])  # type: ignore[index]


class TestRenew:
    def test_new_token_old_one_dead(self, client: TestClient, fake_wechat: str) -> None:
        token, _ = login_member(client)
        r = client.post("/api/v1/auth/renew", headers=bearer(token))
        assert r.status_code == 200, r.text
        new = r.json()["access_token"]
        assert new != token
        assert client.get("/api/v1/me", headers=bearer(new)).status_code == 200
        assert_error_shape(client.get("/api/v1/me", headers=bearer(token)), 401, "token_invalid")

    def test_expired_token_cannot_renew(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_old")
        session.exec(
            sa.update(MemberSession)
            .where(col(MemberSession.token_hash) == token_digest(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        assert_error_shape(client.post("/api/v1/auth/renew", headers=bearer(token)), 401, "token_invalid")


class TestLogout:
    def test_token_revoked(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_h")
        _, other = factories.member(session, "ofake_i")
        r = client.post("/api/v1/auth/logout", headers=bearer(token))
        assert r.status_code == 204, r.text
        assert_error_shape(client.get("/api/v1/me", headers=bearer(token)), 401)
        assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200

    def test_needs_login(self, client: TestClient) -> None:
        assert_error_shape(client.post("/api/v1/auth/logout"), 401)


class TestMe:
    def test_own_profile_only(self, client: TestClient, session: Session) -> None:
        org = factories.organization(session, "甲公司", "91310107MA1G000001")
        m, token = factories.member(session, "ofake_j", org=org)
        body = client.get("/api/v1/me", headers=bearer(token)).json()
        assert body["id"] == m.id and body["openid"] == "ofake_j"
        assert body["acting_org_id"] == org.id
        assert body["memberships"] == [
            {
                "org_id": org.id,
                "org_name": "甲公司",
                "credit_code": "91310107MA1G000001",
                "verification": "verified",
                "role": "admin",
                "acting": True,
            }
        ]
        assert "wechat_session_key" not in body and "session_key" not in str(body)

    def test_needs_login(self, client: TestClient) -> None:
        assert_error_shape(client.get("/api/v1/me"), 401, "unauthorized")


class TestMeUpdate:
    def test_refused_until_consent(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        token, _ = login_member(client, "kate", consent=False)
        r = client.patch("/api/v1/me", json={"nickname": "小凯"}, headers=bearer(token))
        assert_error_shape(r, 403, "privacy_consent_required")
        assert session.exec(select(Member).where(Member.openid == "ofake_kate")).one().nickname == ""
        r = client.post("/api/v1/me/privacy-consent", json={"version": PRIVACY_POLICY_VERSION}, headers=bearer(token))
        assert r.status_code == 200, r.text
        r = client.patch(
            "/api/v1/me", json={"nickname": "小凯", "avatar_url": "https://x.cn/a.png"}, headers=bearer(token)
        )
        assert r.status_code == 200, r.text
        assert r.json()["nickname"] == "小凯" and r.json()["avatar_url"] == "https://x.cn/a.png"

    def test_risky_nickname_refused(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        token, _ = login_member(client, "leo")
        assert_error_shape(client.patch("/api/v1/me", json={"nickname": "赌博"}, headers=bearer(token)), 422)
        assert session.exec(select(Member).where(Member.openid == "ofake_leo")).one().nickname == ""

    def test_no_mass_assignment(self, client: TestClient, session: Session) -> None:
        m, token = factories.member(session, "ofake_m")
        for field in ({"openid": "ofake_x"}, {"acting_org_id": 1}, {"phone": "13800000000"}):
            assert_error_shape(client.patch("/api/v1/me", json=field, headers=bearer(token)), 422)
        session.refresh(m)
        assert m.openid == "ofake_m" and m.phone == ""


class TestPrivacyConsent:
    def test_recorded_with_version_and_time(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        token, _ = login_member(client, "nina", consent=False)
        r = client.post("/api/v1/me/privacy-consent", json={"version": PRIVACY_POLICY_VERSION}, headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["privacy_version"] == PRIVACY_POLICY_VERSION and r.json()["privacy_consented_at"]
        assert session.exec(select(AuditLog).where(AuditLog.action == "member.privacy_consent")).first()

    def test_outdated_version_refused(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        token, _ = login_member(client, "olga", consent=False)
        r = client.post("/api/v1/me/privacy-consent", json={"version": "0.1"}, headers=bearer(token))
        assert_error_shape(r, 422, "privacy_version_outdated")
        assert session.exec(select(Member).where(Member.openid == "ofake_olga")).one().privacy_version is None


class TestPrivacyPolicy:
    def test_current_version(self, client: TestClient) -> None:
        r = client.get("/api/v1/privacy-policy")
        assert r.status_code == 200, r.text
        assert r.json()["version"] == PRIVACY_POLICY_VERSION and r.json()["summary"]


class TestPhoneBind:
    def test_number_from_wechat_kept_for_owner(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        token, _ = login_member(client, "pete")
        r = client.post("/api/v1/me/phone", json={"code": "phone-13912345678"}, headers=bearer(token))
        assert r.status_code == 200, r.text
        assert r.json()["phone"] == "13912345678"

    def test_refused_until_consent(self, client: TestClient, fake_wechat: str) -> None:
        token, _ = login_member(client, "quin", consent=False)
        r = client.post("/api/v1/me/phone", json={"code": "phone-13912345678"}, headers=bearer(token))
        assert_error_shape(r, 403, "privacy_consent_required")

    def test_invalid_code(self, client: TestClient, fake_wechat: str) -> None:
        token, _ = login_member(client, "rita")
        r = client.post("/api/v1/me/phone", json={"code": "invalid-1"}, headers=bearer(token))
        assert_error_shape(r, 401, "wechat_code_invalid")
