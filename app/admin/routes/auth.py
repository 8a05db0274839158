"""Login in two steps (password, then TOTP), TOTP enrolment for admins who have none yet, logout."""

from __future__ import annotations

from typing import Annotated

import pyotp
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session, col

from app.admin.deps import ADMINS
from app.admin.render import redirect, render
from app.admin.security import (
    ENROL_COOKIE,
    PENDING_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    clear_cookie,
    enrol_secret,
    enrol_value,
    pending_staff_id,
    pending_value,
    set_cookie,
)
from app.audit.service import record
from app.core.db import WriteSessionDep
from app.core.errors import AppError
from app.core.security import client_ip
from app.staff import service as staff_service
from app.staff.models import StaffUser
from app.staff.service import SESSION_MAX_AGE

router = APIRouter()


def _audit_login(session: Session, request: Request, actor: str | int, outcome: str, **kw: object) -> None:
    record(
        session,
        actor_type="staff",
        actor_id=str(actor)[:64],
        action="staff.login",
        outcome=outcome,
        ip=client_ip(request),
        detail={"via": "console", **kw},
    )


def _open(session: Session, request: Request, user: StaffUser) -> Response:
    token, _ = staff_service.open_session(session, user)
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=user.city_code,
        action="staff.login",
        ip=client_ip(request),
        detail={"via": "console"},
    )
    session.commit()
    response = redirect("/admin/")
    set_cookie(response, request, SESSION_COOKIE, token, max_age=int(SESSION_MAX_AGE.total_seconds()))
    clear_cookie(response, PENDING_COOKIE)
    clear_cookie(response, ENROL_COOKIE)
    return response


def _failed(session: Session, request: Request, actor: str | int, exc: AppError, step: str) -> Response:
    _audit_login(session, request, actor, "failed", reason=exc.code, step=step)
    session.commit()
    return render(request, "login.html", step=step, error=exc.message, status_code=exc.status_code)


def _pending_user(request: Request, session: Session) -> StaffUser | None:
    staff_id = pending_staff_id(request)
    user = session.get(StaffUser, staff_id) if staff_id else None
    return user if user is not None and user.active else None


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "login.html", step="password")


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    session: WriteSessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=128)],
) -> Response:
    try:
        user = staff_service.check_password(session, username, password)
    except AppError as exc:
        return _failed(session, request, username, exc, "password")
    if user.totp_secret or user.role in ADMINS:
        # The password was right; the second factor (or its enrolment) is still owed.
        session.commit()
        target = "/admin/login/totp" if user.totp_secret else "/admin/login/enrol"
        response = redirect(target)
        set_cookie(response, request, PENDING_COOKIE, pending_value(user.id or 0), max_age=300)
        return response
    return _open(session, request, user)


@router.get("/login/totp")
def totp_page(request: Request, session: WriteSessionDep) -> Response:
    if _pending_user(request, session) is None:
        return redirect("/admin/login", "请先输入用户名和密码")
    return render(request, "login.html", step="totp")


@router.post("/login/totp", dependencies=[Depends(check_csrf)])
def totp(request: Request, session: WriteSessionDep, totp: Annotated[str, Form(max_length=6)]) -> Response:
    user = _pending_user(request, session)
    if user is None:
        return redirect("/admin/login", "登录已超时，请重新输入用户名和密码")
    try:
        staff_service.check_totp(session, user, totp.strip())
    except AppError as exc:
        return _failed(session, request, user.id or 0, exc, "totp")
    return _open(session, request, user)


@router.get("/login/enrol")
def enrol_page(request: Request, session: WriteSessionDep) -> Response:
    user = _pending_user(request, session)
    if user is None or user.totp_secret:
        return redirect("/admin/login", "请先输入用户名和密码")
    secret = enrol_secret(request, user.id or 0) or pyotp.random_base32()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="沿沪宁协同创新集市后台")
    response = render(request, "enrol.html", secret=secret, uri=uri)
    set_cookie(response, request, ENROL_COOKIE, enrol_value(user.id or 0, secret), max_age=300)
    return response


@router.post("/login/enrol", dependencies=[Depends(check_csrf)])
def enrol(request: Request, session: WriteSessionDep, totp: Annotated[str, Form(max_length=6)]) -> Response:
    user = _pending_user(request, session)
    secret = enrol_secret(request, user.id or 0) if user else None
    if user is None or secret is None:
        return redirect("/admin/login", "登录已超时，请重新输入用户名和密码")
    if not pyotp.TOTP(secret).verify(totp.strip(), valid_window=1):
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="沿沪宁协同创新集市后台")
        return render(request, "enrol.html", secret=secret, uri=uri, error="动态口令不正确", status_code=422)
    result = session.exec(
        sa.update(StaffUser)
        .where(col(StaffUser.id) == user.id, col(StaffUser.totp_secret).is_(None))
        .values(totp_secret=secret)
    )
    if result.rowcount == 0:
        return redirect("/admin/login", "该账号已绑定动态口令，请重新登录")
    record(session, actor_type="staff", actor_id=user.id, city_code=user.city_code, action="staff.totp_enrolled")
    session.refresh(user)
    return _open(session, request, user)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, session: WriteSessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        try:
            user = staff_service.staff_for_token(session, token)
            record(
                session,
                actor_type="staff",
                actor_id=user.id,
                city_code=user.city_code,
                action="staff.logout",
                ip=client_ip(request),
            )
        except AppError:
            pass
        staff_service.close_session(session, token)
        session.commit()
    response = redirect("/admin/login", "已退出登录")
    clear_cookie(response, SESSION_COOKIE)
    return response
