"""审计日志 viewer: filters over the append-only log, confined to the user's city."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import col, func, select

from app.admin.deps import Perm, allowed_city, require, scope_conds
from app.admin.render import render
from app.audit.models import ActorType, AuditLog
from app.core.db import SessionDep
from app.core.listing import _like_escape
from app.core.timeutil import CHINA
from app.staff.models import StaffUser

router = APIRouter(prefix="/audit")
Auditor = Annotated[StaffUser, Depends(require(Perm.audit))]
PAGE_SIZE = 50
ACTOR_LABELS = {"staff": "工作人员", "member": "会员", "bureau": "市局", "system": "系统"}


@router.get("")
def index(
    request: Request,
    user: Auditor,
    session: SessionDep,
    actor_type: Annotated[str, Query(max_length=16)] = "",
    actor_id: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    object_type: Annotated[str, Query(max_length=32)] = "",
    object_id: Annotated[str, Query(max_length=64)] = "",
    outcome: Annotated[str, Query(max_length=16)] = "",
    city: Annotated[str, Query(max_length=16)] = "",
    ip: Annotated[str, Query(max_length=64)] = "",
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    conds: list[Any] = scope_conds(user, AuditLog)
    if (c := allowed_city(user, city)) is not None:
        conds.append(AuditLog.city_code == c)
    if actor_type in {a.value for a in ActorType}:
        conds.append(AuditLog.actor_type == actor_type)
    for column, value in (
        (AuditLog.actor_id, actor_id),
        (AuditLog.object_type, object_type),
        (AuditLog.object_id, object_id),
        (AuditLog.outcome, outcome),
        (AuditLog.ip, ip),
    ):
        if value:
            conds.append(column == value)
    if action:
        conds.append(col(AuditLog.action).like(_like_escape(action) + "%", escape="\\"))
    if date_from:
        conds.append(col(AuditLog.at) >= datetime.combine(date_from, time.min, CHINA))
    if date_to:
        conds.append(col(AuditLog.at) < datetime.combine(date_to, time.max, CHINA))
    total = int(session.exec(select(func.count()).select_from(AuditLog).where(*conds)).one())
    rows = session.exec(
        select(AuditLog).where(*conds).order_by(col(AuditLog.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    f = {
        "actor_type": actor_type,
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "city": city,
        "ip": ip,
        "date_from": date_from.isoformat() if date_from else "",
        "date_to": date_to.isoformat() if date_to else "",
    }
    from urllib.parse import urlencode

    return render(
        request,
        "audit.html",
        user,
        rows=rows,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        f=f,
        query=urlencode(f),
        actors=ACTOR_LABELS,
        fixed_city=allowed_city(user, None),
    )
