from __future__ import annotations

from fastapi import APIRouter, Request

from app.audit.service import record
from app.core.db import WriteSessionDep
from app.core.errors import error_responses
from app.core.security import bearer_token, client_ip
from app.staff import service
from app.staff.dependencies import StaffUser
from app.staff.schemas import StaffLogin, StaffPublic, StaffToken

router = APIRouter(prefix="/staff", tags=["staff"])


@router.post("/login", operation_id="staff_login", summary="后台登录", responses=error_responses(401, 423))
def login(body: StaffLogin, request: Request, session: WriteSessionDep) -> StaffToken:
    """工作人员用户名、密码（管理员另需动态口令）登录；连续 5 次失败锁定 15 分钟。"""
    try:
        user = service.authenticate(session, body.username, body.password, body.totp)
    except Exception as exc:
        record(
            session,
            actor_type="staff",
            actor_id=body.username[:64],
            action="staff.login",
            outcome="failed",
            ip=client_ip(request),
            detail={"reason": getattr(exc, "code", "error")},
        )
        session.commit()
        raise
    token, row = service.open_session(session, user)
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=user.city_code,
        action="staff.login",
        ip=client_ip(request),
    )
    session.commit()
    return StaffToken(access_token=token, expires_at=row.expires_at, staff=StaffPublic.model_validate(user))


@router.post("/logout", operation_id="staff_logout", summary="退出后台", status_code=204)
def logout(user: StaffUser, request: Request, session: WriteSessionDep) -> None:
    """使当前登录令牌失效。"""
    token = bearer_token(request) or request.cookies.get("staff_session") or ""
    service.close_session(session, token)
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=user.city_code,
        action="staff.logout",
        ip=client_ip(request),
    )
    session.commit()


@router.get("/me", operation_id="staff_me", summary="当前工作人员")
def me(user: StaffUser) -> StaffPublic:
    """当前登录的工作人员及其角色、所属城市。"""
    return StaffPublic.model_validate(user)
