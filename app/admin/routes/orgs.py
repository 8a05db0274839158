"""机构认证 and 加入机构申请 queues, through the organisation service (app/orgs/service.py) the API uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from app.admin.deps import Perm, allowed_city, require
from app.admin.queues import decide_many
from app.admin.render import redirect, render
from app.admin.security import check_csrf
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import NotFound
from app.core.labels import LABELS
from app.core.models import Verification
from app.core.schemas import CityCode
from app.core.security import client_ip
from app.orgs import service as orgs
from app.orgs.models import ClaimStatus, OrgType
from app.orgs.schemas import StaffClaimQuery, StaffOrgQuery
from app.staff.models import StaffUser

router = APIRouter(prefix="/review")
Reviewer = Annotated[StaffUser, Depends(require(Perm.review))]
ORG_TYPES = {
    "enterprise": "企业",
    "university": "高校",
    "institute": "科研院所",
    "service": "服务机构",
    "investor": "投资机构",
    "government": "政府部门",
}
VERIFICATION = {"pending": "待审核", "verified": "已认证", "rejected": "已驳回"}
PAGE_SIZE = 50


def _city_filter(user: StaffUser, city: str) -> list[Any]:
    if allowed_city(user, None):
        return []
    return [("city", "城市", [("", "全部城市"), *LABELS[CityCode].items()], city)]


def _city(city: str) -> CityCode | None:
    return CityCode(city) if city in {c.value for c in CityCode} else None


@router.get("/orgs")
def org_queue(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    status: Annotated[str, Query(max_length=16)] = "pending",
    city: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    verification = Verification(status) if status in VERIFICATION else None
    q = StaffOrgQuery(verification=verification, city=_city(city), page=page, page_size=PAGE_SIZE)
    try:
        data = orgs.staff_list_orgs(session, user, q)
    except NotFound:  # a page past the end
        data = {"items": [], "total": 0}
    rows = [
        {
            "id": o.id,
            "pending": o.verification == Verification.pending,
            "cells": [
                o.id,
                o.name,
                o.credit_code,
                ORG_TYPES.get(o.org_type, o.org_type),
                LABELS[CityCode].get(o.city_code, o.city_code),
                VERIFICATION.get(o.verification, ""),
                o.member_count,
            ],
            "detail": o.intro[:300] if o.intro else "",
        }
        for o in data["items"]
    ]
    filters = [
        (
            "status",
            "状态",
            [("pending", "待审核"), ("verified", "已认证"), ("rejected", "已驳回"), ("", "全部")],
            status,
        ),
        *_city_filter(user, city),
    ]
    return render(
        request,
        "queue.html",
        user,
        title="机构认证",
        action="/admin/review/orgs",
        rows=rows,
        decidable=True,
        columns=["ID", "机构名称", "统一社会信用代码", "类型", "城市", "状态", "成员数"],
        filters=filters,
        total=data["total"],
        page=page,
        page_size=PAGE_SIZE,
        query=f"status={status}&city={city}",
    )


@router.post("/orgs", dependencies=[Depends(check_csrf)])
def org_decide(
    request: Request,
    user: Reviewer,
    session: WriteSessionDep,
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
    ids: Annotated[list[int], Form(max_length=500)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    ip = client_ip(request)
    msg = decide_many(
        session,
        ids,
        action,
        reason,
        approve=lambda i: orgs.verify_org(session, user, i, ip=ip),
        reject=lambda i, why: orgs.reject_org(session, user, i, why, ip=ip),
    )
    return redirect("/admin/review/orgs", msg)


@router.get("/claims")
def claim_queue(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    city: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    q = StaffClaimQuery(status=ClaimStatus.pending, city=_city(city), page=page, page_size=PAGE_SIZE)
    try:
        data = orgs.staff_list_claims(session, user, q)
    except NotFound:
        data = {"items": [], "total": 0}
    rows = [
        {
            "id": c.id,
            "pending": c.status == ClaimStatus.pending,
            "cells": [
                c.id,
                c.org_name,
                LABELS[CityCode].get(c.org_city_code, c.org_city_code),
                c.member_nickname or f"会员 {c.member_id}",
                c.created_at.strftime("%Y-%m-%d"),
            ],
            "detail": c.note,
        }
        for c in data["items"]
    ]
    return render(
        request,
        "queue.html",
        user,
        title="加入机构申请",
        action="/admin/review/claims",
        rows=rows,
        decidable=True,
        columns=["ID", "机构", "城市", "申请人", "申请日期"],
        filters=_city_filter(user, city),
        total=data["total"],
        page=page,
        page_size=PAGE_SIZE,
        query=f"city={city}",
    )


@router.post("/claims", dependencies=[Depends(check_csrf)])
def claim_decide(
    request: Request,
    user: Reviewer,
    session: WriteSessionDep,
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
    ids: Annotated[list[int], Form(max_length=500)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    ip = client_ip(request)
    msg = decide_many(
        session,
        ids,
        action,
        reason,
        approve=lambda i: orgs.approve_claim(session, user, i, ip=ip),
        reject=lambda i, why: orgs.reject_claim(session, user, i, why, ip=ip),
    )
    return redirect("/admin/review/claims", msg)


__all__ = ["OrgType", "router"]
