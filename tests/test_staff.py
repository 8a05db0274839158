from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.service import record
from app.core.models import utcnow
from app.staff.models import StaffRole, StaffSession
from app.staff.service import create_staff

PASSWORD = "correct horse battery"


def login(client: TestClient, username: str, password: str = PASSWORD, totp: str | None = None):  # type: ignore[no-untyped-def]
    body = {"username": username, "password": password}
    if totp:
        body["totp"] = totp
    return client.post("/api/v1/staff/login", json=body)


class TestStaffLogin:
    def test_login_me_logout(self, client: TestClient, session: Session) -> None:
        create_staff(session, username="nj-admin", password=PASSWORD, role=StaffRole.city_admin, city_code="nanjing")
        r = login(client, "nj-admin")
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        assert r.json()["staff"]["city_code"] == "nanjing"
        headers = {"Authorization": f"Bearer {token}"}
        me = client.get("/api/v1/staff/me", headers=headers)
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "nj-admin"
        assert "password_hash" not in me.text and "totp" not in me.text
        assert client.post("/api/v1/staff/logout", headers=headers).status_code == 204
        assert client.get("/api/v1/staff/me", headers=headers).status_code == 401

    def test_wrong_password_and_unknown_user_look_alike(self, client: TestClient, session: Session) -> None:
        create_staff(session, username="wx-admin", password=PASSWORD, role=StaffRole.city_admin, city_code="wuxi")
        a = login(client, "wx-admin", "wrong password!")
        b = login(client, "nobody", "wrong password!")
        assert a.status_code == b.status_code == 401
        assert a.json() == b.json()

    def test_lockout_after_five_failures(self, client: TestClient, session: Session) -> None:
        create_staff(session, username="cz-admin", password=PASSWORD, role=StaffRole.city_admin, city_code="changzhou")
        for _ in range(5):
            assert login(client, "cz-admin", "bad password!").status_code == 401
        r = login(client, "cz-admin")
        assert r.status_code == 423, r.text
        assert r.json()["code"] == "account_locked"
        failed = session.exec(
            select(AuditLog).where(AuditLog.action == "staff.login", AuditLog.outcome == "failed")
        ).all()
        assert len(failed) >= 6
        assert all("bad password" not in str(a.detail) for a in failed)

    def test_totp_required_when_enrolled(self, client: TestClient, session: Session) -> None:
        secret = pyotp.random_base32()
        create_staff(session, username="district", password=PASSWORD, role=StaffRole.district_admin, totp_secret=secret)
        assert login(client, "district").status_code == 401
        assert login(client, "district", totp="000000").status_code in (401,)
        r = login(client, "district", totp=pyotp.TOTP(secret).now())
        assert r.status_code == 200, r.text

    def test_idle_timeout(self, client: TestClient, session: Session) -> None:
        create_staff(session, username="reviewer1", password=PASSWORD, role=StaffRole.reviewer, city_code="suzhou")
        token = login(client, "reviewer1").json()["access_token"]
        session.exec(sa.update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        r = client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, r.text

    def test_extra_fields_refused(self, client: TestClient) -> None:
        r = client.post("/api/v1/staff/login", json={"username": "a", "password": "b", "role": "district_admin"})
        assert r.status_code == 422, r.text


class TestStaffMe:
    def test_requires_login(self, client: TestClient) -> None:
        r = client.get("/api/v1/staff/me")
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "staff_login_required"


class TestAuditAppendOnly:
    def test_update_and_delete_refused_by_database(self, session: Session) -> None:
        record(session, actor_type="system", action="test.event")
        session.flush()
        with pytest.raises(sa.exc.DBAPIError), session.begin_nested():
            session.exec(sa.update(AuditLog).values(outcome="forged"))
        with pytest.raises(sa.exc.DBAPIError), session.begin_nested():
            session.exec(sa.delete(AuditLog))


class TestLoginHoldsNoTransactionDuringArgon2:
    """argon2 takes tens of milliseconds on purpose: no transaction (on SQLite, no write lock) is open meanwhile."""

    def test_hash_checked_outside_any_transaction(self, tmp_path: Any, monkeypatch: Any) -> None:
        from app.core.db import make_engine
        from app.staff import service as staff_service
        from tests.conftest import fresh_database_url, migrate

        url = fresh_database_url(tmp_path, "staff_argon2")
        migrate(url)
        engine = make_engine(url).execution_options(sqlite_write=True)
        with Session(engine) as setup:
            staff_service.create_staff(
                setup, username="argon", password="correct horse battery", role=StaffRole.reviewer
            )
            setup.commit()
        real = staff_service.password_hash
        open_during_hash: list[bool] = []

        class Spy:
            def hash(self, password: str) -> str:  # the unknown user's dummy hash is made on first use
                return str(real.hash(password))

            def verify(self, password: str, hashed: str) -> bool:
                open_during_hash.append(session.in_transaction())
                return bool(real.verify(password, hashed))

        monkeypatch.setattr(staff_service, "password_hash", Spy())
        with Session(engine, expire_on_commit=False) as session:
            with pytest.raises(staff_service.LoginFailed):
                staff_service.authenticate(session, "argon", "wrong password!", None)
            session.commit()
            user = staff_service.authenticate(session, "argon", "correct horse battery", None)
            session.commit()
            with pytest.raises(staff_service.LoginFailed):
                staff_service.authenticate(session, "nobody", "whatever", None)
        engine.dispose()
        assert open_during_hash == [False, False, False]
        assert user.failed_logins == 0 and user.last_login_at is not None
