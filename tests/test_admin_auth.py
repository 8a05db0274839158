"""Console login: password then TOTP, enrolment of a first TOTP, lockout, idle timeout, logout, CSRF, cookies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditLog
from app.core.models import utcnow
from app.staff.models import StaffRole, StaffSession, StaffUser
from tests.admin_support import PASSWORD, Console, login, staff


@pytest.fixture()
def clients() -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for c in made:
        c.close()


def anonymous(app: FastAPI, clients: list[TestClient], user: StaffUser) -> Console:
    client = TestClient(app, raise_server_exceptions=False)
    clients.append(client)
    return Console(client, user)


class TestConsoleLogin:
    def test_reviewer_logs_in_with_password_and_gets_strict_httponly_cookie(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        user = staff(session, "rev1", StaffRole.reviewer, "nanjing")
        c = anonymous(app, clients, user)
        r = c.post("/admin/login", {"username": "rev1", "password": PASSWORD})
        assert r.status_code == 303, r.text
        assert r.headers["location"] == "/admin/"
        cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("staff_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        home = c.get("/admin/")
        assert home.status_code == 200, home.text
        assert "审核员" in home.text and "南京" in home.text

    def test_admin_must_pass_totp_step(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        user = staff(session, "nj-admin", StaffRole.city_admin, "nanjing")
        c = anonymous(app, clients, user)
        r = c.post("/admin/login", {"username": "nj-admin", "password": PASSWORD})
        assert r.status_code == 303 and r.headers["location"] == "/admin/login/totp"
        # The password alone opens nothing.
        assert c.get("/admin/").headers["location"].startswith("/admin/login")
        bad = c.post(
            "/admin/login/totp",
            {"totp": "000000" if pyotp.TOTP(user.totp_secret or "").now() != "000000" else "111111"},
        )
        assert bad.status_code == 401, bad.text
        assert "用户名或密码错误" in bad.text
        ok = c.post("/admin/login/totp", {"totp": pyotp.TOTP(user.totp_secret or "").now()})
        assert ok.status_code == 303 and ok.headers["location"] == "/admin/"
        assert c.get("/admin/").status_code == 200

    def test_totp_step_without_password_step_is_refused(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        user = staff(session, "wx-admin", StaffRole.city_admin, "wuxi")
        c = anonymous(app, clients, user)
        c.client.cookies.set("admin_pending", f"{user.id}.9999999999.forged")
        r = c.post("/admin/login/totp", {"totp": pyotp.TOTP(user.totp_secret or "").now()})
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")
        assert c.get("/admin/").status_code == 303

    def test_admin_without_totp_enrols_one_first(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        user = staff(session, "first-admin", StaffRole.district_admin, totp=False)
        c = anonymous(app, clients, user)
        r = c.post("/admin/login", {"username": "first-admin", "password": PASSWORD})
        assert r.headers["location"] == "/admin/login/enrol"
        page = c.get("/admin/login/enrol")
        assert page.status_code == 200, page.text
        secret = page.text.split('id="totp-secret">')[1].split("<")[0]
        wrong = c.post("/admin/login/enrol", {"totp": "12345"})
        assert wrong.status_code in (422, 303)
        r = c.post("/admin/login/enrol", {"totp": pyotp.TOTP(secret).now()})
        assert r.status_code == 303 and r.headers["location"] == "/admin/", r.text
        session.refresh(user)
        assert user.totp_secret == secret
        assert session.exec(select(AuditLog).where(AuditLog.action == "staff.totp_enrolled")).first() is not None

    def test_wrong_password_is_audited_without_the_password(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        user = staff(session, "cz-rev", StaffRole.reviewer, "changzhou")
        c = anonymous(app, clients, user)
        r = c.post("/admin/login", {"username": "cz-rev", "password": "not the password"})
        assert r.status_code == 401, r.text
        assert "用户名或密码错误" in r.text
        rows = session.exec(
            select(AuditLog).where(AuditLog.action == "staff.login", AuditLog.outcome == "failed")
        ).all()
        assert rows and all("not the password" not in str(a.detail) for a in rows)

    def test_lockout_after_five_failures(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        user = staff(session, "sz-rev", StaffRole.reviewer, "suzhou")
        c = anonymous(app, clients, user)
        for _ in range(5):
            assert c.post("/admin/login", {"username": "sz-rev", "password": "bad password!"}).status_code == 401
        r = c.post("/admin/login", {"username": "sz-rev", "password": PASSWORD})
        assert r.status_code == 423, r.text
        assert "锁定" in r.text

    def test_wrong_totp_counts_towards_lockout(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        user = staff(session, "nt-admin", StaffRole.city_admin, "nantong")
        c = anonymous(app, clients, user)
        good = pyotp.TOTP(user.totp_secret or "")
        wrong = "000000" if good.now() != "000000" else "111111"
        c.post("/admin/login", {"username": "nt-admin", "password": PASSWORD})
        for _ in range(5):
            assert c.post("/admin/login/totp", {"totp": wrong}).status_code == 401
        assert c.post("/admin/login/totp", {"totp": good.now()}).status_code == 423


class TestConsoleSession:
    def test_idle_timeout_sends_back_to_login(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        user = staff(session, "idle", StaffRole.reviewer, "nanjing")
        c = login(app, user, clients)
        session.exec(
            sa.update(StaffSession)
            .where(col(StaffSession.staff_id) == user.id)
            .values(last_seen_at=utcnow() - timedelta(minutes=31))
        )
        r = c.get("/admin/review")
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")

    def test_logout_revokes_the_session(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        user = staff(session, "bye", StaffRole.reviewer, "nanjing")
        c = login(app, user, clients)
        token = c.client.cookies.get("staff_session")
        r = c.post("/admin/logout")
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")
        # The old token no longer works anywhere, not even on the API.
        assert c.client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    def test_post_without_csrf_token_is_refused(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        user = staff(session, "csrf", StaffRole.district_admin)
        c = login(app, user, clients)
        r = c.client.post("/admin/logout", data={}, follow_redirects=False)
        assert r.status_code == 403, r.text
        assert "表单已失效" in r.text
        r = c.client.post("/admin/logout", data={"csrf_token": "forged"}, follow_redirects=False)
        assert r.status_code == 403
        assert c.get("/admin/").status_code == 200


class TestConsoleRoles:
    @pytest.mark.parametrize(
        ("role", "city", "allowed", "refused"),
        [
            (
                StaffRole.reviewer,
                "nanjing",
                ["/admin/review"],
                ["/admin/boards", "/admin/exports", "/admin/stats", "/admin/audit", "/admin/banners"],
            ),
            (
                StaffRole.auditor,
                None,
                ["/admin/audit"],
                ["/admin/review", "/admin/boards", "/admin/exports", "/admin/stats"],
            ),
            (
                StaffRole.city_admin,
                "wuxi",
                ["/admin/review", "/admin/boards", "/admin/exports", "/admin/stats", "/admin/audit", "/admin/banners"],
                [],
            ),
        ],
    )
    def test_pages_by_role(
        self,
        app: FastAPI,
        session: Session,
        clients: list[TestClient],
        role: StaffRole,
        city: str | None,
        allowed: list[str],
        refused: list[str],
    ) -> None:
        c = login(app, staff(session, f"u-{role}", role, city), clients)
        for url in allowed:
            r = c.get(url)
            assert r.status_code == 200, (url, r.text[:500])
        for url in refused:
            r = c.get(url)
            assert r.status_code == 403, url
            assert "无权" in r.text
