"""跨城市疑似重复: records two cities pushed that look alike; staff record a conclusion, nothing is merged.

Through app/bureaus/service.py (`list_duplicates`, `resolve_duplicate`), the functions behind the staff API
`/api/v1/staff/push/duplicates`: a city's staff see and resolve only the flags that name a record of their city.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from app.admin.deps import Perm, require
from app.admin.queues import each, summary
from app.admin.render import CITY_LABELS, redirect, render
from app.admin.security import check_csrf
from app.bureaus import service as bureaus
from app.bureaus.kinds import KINDS, PushKind
from app.bureaus.models import DuplicateReason
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import Invalid
from app.core.security import client_ip
from app.staff.models import StaffUser
from app.staff.service import city_scope

router = APIRouter()
Reviewer = Annotated[StaffUser, Depends(require(Perm.review))]

REASONS = {
    DuplicateReason.credit_code.value: "统一社会信用代码相同",
    DuplicateReason.name_address.value: "名称与地址相同",
}
KIND_LABELS = {k.value: kind.label for k, kind in KINDS.items()}
# The console's editor of each pushed kind's table (the flags are about resources today).
EDITOR_KEYS = {PushKind.resource.value: "resource"}


@router.get("/duplicates")
def duplicate_queue(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    resolved: Annotated[bool, Query()] = False,
) -> Response:
    rows = bureaus.list_duplicates(session, user, open_only=not resolved)
    scope = city_scope(user)

    def side(kind: str, record_id: int, city: str) -> dict[str, str]:
        key = EDITOR_KEYS.get(kind)
        # Only a record the user may open gets a link: another city's record is "not found" for a city's staff.
        link = f"/admin/boards/{key}/{record_id}" if key and scope in (None, city) else ""
        return {"label": f"{CITY_LABELS.get(city, city)} · {record_id}", "link": link}

    items = [
        {
            "id": d.id,
            "open": d.resolved_at is None,
            "kind": KIND_LABELS.get(d.kind, d.kind),
            "reason": REASONS.get(d.reason, d.reason),
            "match": d.match_value,
            "a": side(d.kind, d.record_id, d.city_code),
            "b": side(d.kind, d.other_record_id, d.other_city_code),
            "created_at": d.created_at,
            "resolved_at": d.resolved_at,
            "resolution": d.resolution,
        }
        for d in rows
    ]
    return render(request, "duplicates.html", user, rows=items, resolved=resolved)


@router.post("/duplicates", dependencies=[Depends(check_csrf)])
def duplicate_resolve(
    request: Request,
    user: Reviewer,
    session: WriteSessionDep,
    ids: Annotated[list[int], Form(max_length=500)],
    resolution: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    ip = client_ip(request)
    text = resolution.strip()
    if not text:
        raise Invalid("请填写处理结论", code="resolution_required")
    done, failures = each(session, ids, lambda i: bureaus.resolve_duplicate(session, user, i, text, ip=ip))
    return redirect("/admin/review/duplicates", summary("处理", done, failures))
