"""Staff accounts: argon2id passwords, lockout after repeated failures, idle timeout, TOTP for admins."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import pyotp
import sqlalchemy as sa
from pwdlib import PasswordHash
from sqlmodel import Session, col, select

from app.core.db import end_transaction
from app.core.errors import AppError, Unauthorized
from app.core.models import utcnow
from app.core.security import new_token, token_digest
from app.staff.models import StaffRole, StaffSession, StaffUser

password_hash = PasswordHash.recommended()

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_MAX_AGE = timedelta(hours=12)
ADMIN_ROLES = {StaffRole.district_admin, StaffRole.city_admin}


@cache
def _dummy_hash() -> str:
    """Verifying against a fixed hash when the user does not exist keeps the timing of both failures alike.

    Made on first use: an argon2 hash costs tens of milliseconds, which every worker would pay at start-up."""
    return password_hash.hash("not-a-real-password")


class LoginFailed(Unauthorized):
    code = "login_failed"
    message = "用户名或密码错误"


def create_staff(
    session: Session,
    *,
    username: str,
    password: str,
    role: StaffRole,
    city_code: str | None = None,
    display_name: str = "",
    totp_secret: str | None = None,
) -> StaffUser:
    if role is StaffRole.city_admin and not city_code:
        raise AppError("市管理员必须指定城市", code="city_required", status_code=422)
    if len(password) < 10:
        raise AppError("密码至少 10 位", code="weak_password", status_code=422)
    user = StaffUser(
        username=username,
        password_hash=password_hash.hash(password),
        role=role,
        city_code=city_code if role is not StaffRole.district_admin else None,
        display_name=display_name or username,
        totp_secret=totp_secret,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str, totp: str | None) -> StaffUser:
    """Password and, where the account has one, the TOTP code in one step (the API's login)."""
    user = check_password(session, username, password, complete=False)
    if user.totp_secret:
        return check_totp(session, user, totp)
    return _login_succeeded(session, user)


def check_password(session: Session, username: str, password: str, *, complete: bool = True) -> StaffUser:
    """First factor. With `complete` a user without TOTP is logged in; one with TOTP still owes `check_totp`.

    argon2 is slow on purpose (tens of milliseconds): the lookup's transaction ends before it, so that no lock (on
    SQLite, the database's one write lock) is held while the hash is computed; the failure count or the success is
    written after, in a transaction of its own."""
    now = utcnow()
    user = session.exec(select(StaffUser).where(StaffUser.username == username)).first()
    end_transaction(session)
    if user is None or not user.active:
        password_hash.verify(password, _dummy_hash())
        raise LoginFailed()
    _refuse_locked(user, now)
    if not password_hash.verify(password, user.password_hash):
        _count_failure(session, user)
        raise LoginFailed()
    if complete and not user.totp_secret:
        return _login_succeeded(session, user)
    return user


def check_totp(session: Session, user: StaffUser, totp: str | None) -> StaffUser:
    """Second factor, after `check_password`: a wrong code counts towards the same lockout as a wrong password."""
    _refuse_locked(user, utcnow())
    ok = bool(user.totp_secret) and bool(totp) and pyotp.TOTP(user.totp_secret or "").verify(totp or "", valid_window=1)
    if not ok:
        _count_failure(session, user)
        raise LoginFailed()
    return _login_succeeded(session, user)


def _refuse_locked(user: StaffUser, now: datetime) -> None:
    if user.locked_until and user.locked_until > now:
        raise AppError(
            "登录失败次数过多，账号已锁定 15 分钟",
            code="account_locked",
            status_code=423,
            detail={"locked_until": user.locked_until.isoformat()},
        )


def _count_failure(session: Session, user: StaffUser) -> None:
    # One conditional UPDATE: concurrent failures all count, and the fifth one locks.
    now = utcnow()
    session.exec(
        sa.update(StaffUser)
        .where(col(StaffUser.id) == user.id)
        .values(
            failed_logins=StaffUser.failed_logins + 1,
            locked_until=sa.case((col(StaffUser.failed_logins) + 1 >= MAX_FAILED_LOGINS, now + LOCKOUT), else_=None),
        )
    )


def _login_succeeded(session: Session, user: StaffUser) -> StaffUser:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    session.add(user)
    return user


def open_session(session: Session, user: StaffUser) -> tuple[str, StaffSession]:
    token = new_token("stf")
    now = utcnow()
    row = StaffSession(token_hash=token_digest(token), staff_id=user.id, expires_at=now + SESSION_MAX_AGE)  # type: ignore[arg-type]
    session.add(row)
    return token, row


def staff_for_token(session: Session, token: str) -> StaffUser:
    now = utcnow()
    digest = token_digest(token)
    # Touching last_seen_at in the same statement that checks idleness: one UPDATE, no read-then-write.
    result = session.exec(
        sa.update(StaffSession)
        .where(
            col(StaffSession.token_hash) == digest,
            col(StaffSession.revoked_at).is_(None),
            col(StaffSession.expires_at) > now,
            col(StaffSession.last_seen_at) > now - IDLE_TIMEOUT,
        )
        .values(last_seen_at=now)
    )
    if result.rowcount == 0:
        raise Unauthorized("登录已过期，请重新登录", code="staff_session_expired")
    user = session.exec(
        select(StaffUser)
        .join(StaffSession, col(StaffSession.staff_id) == col(StaffUser.id))
        .where(col(StaffSession.token_hash) == digest, col(StaffUser.active).is_(True))
    ).first()
    if user is None:
        raise Unauthorized("登录已过期，请重新登录", code="staff_session_expired")
    return user


def close_session(session: Session, token: str) -> None:
    session.exec(
        sa.update(StaffSession)
        .where(col(StaffSession.token_hash) == token_digest(token), col(StaffSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def city_scope(user: StaffUser) -> str | None:
    """The one city a staff user is confined to, or None for district staff who see all."""
    return None if user.role == StaffRole.district_admin or user.city_code is None else user.city_code
