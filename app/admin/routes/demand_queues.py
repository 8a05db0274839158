"""揭榜挂帅 queues: 榜单 awaiting review (and those the content check held), 揭榜申请 the content check held.

Every read and decision goes through app/demands/service.py, the functions behind the staff API
(`/api/v1/staff/demands`, `/api/v1/staff/applications`): its city scope, its conditional UPDATEs, its audit entries
and its notices to the members. A city's staff meet another city's demand or application as "not found".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.admin.deps import Perm, allowed_city, require
from app.admin.exports import DEMAND_STATUS
from app.admin.queues import decide_many
from app.admin.render import CITY_LABELS, redirect, render
from app.admin.security import check_csrf
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import NotFound
from app.core.labels import LABELS
from app.core.schemas import ItemId
from app.core.security import client_ip
from app.core.timeutil import CHINA
from app.demands import service as demands
from app.demands.models import ApplicationStatus, Demand, DemandApplication, DemandStatus, DemandType
from app.demands.schemas import ReviewDecision
from app.orgs.models import Organization
from app.staff.models import StaffUser
from app.taxonomy.models import Industry

router = APIRouter()
Reviewer = Annotated[StaffUser, Depends(require(Perm.review))]
PAGE_SIZE = 30

VERDICTS = {"pass": "通过", "review": "需人工复核", "unavailable": "未能检测（暂扣待复核）"}
SOURCES = {"member": "会员发布", "bureau": "市局推送", "staff": "工作人员录入"}
APPLICATION_STATUS = {
    "pending_review": "待审核",
    "rejected": "已驳回",
    "submitted": "已送达发榜方",
    "shortlisted": "已入围",
    "selected": "揭榜成功",
    "not_selected": "未入选",
    "withdrawn": "已撤回",
}


def _time(value: Any) -> str:
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if value else ""


def _verdict(value: str | None) -> str:
    return VERDICTS.get(value or "", "未检测")


def _city_filter(user: StaffUser, city: str) -> list[Any]:
    if allowed_city(user, None):
        return []  # a city's staff have one city: no choice to offer
    return [("city", "城市", [("", "全部城市"), *CITY_LABELS.items()], city)]


def _city(user: StaffUser, city: str) -> str | None:
    return allowed_city(user, city if city in CITY_LABELS else None)


def counts(session: Session, user: StaffUser) -> list[tuple[str, str, int]]:
    """The 揭榜挂帅 queues for the review overview, counted by the same service functions that list them."""
    pending = DemandStatus.pending_review
    _, waiting = demands.staff_list(session, user, pending, None, 1, 1)
    _, held = demands.staff_list(session, user, pending, None, 1, 1, held_only=True)
    _, apps = demands.staff_applications(session, user, ApplicationStatus.pending_review, None, 1, 1)
    return [
        ("/admin/review/demands", "榜单审核", waiting),
        ("/admin/review/demands?held=1", "内容检测待复核的榜单", held),
        ("/admin/review/applications", "内容检测待复核的揭榜申请", apps),
    ]


# ---------------------------------------------------------------- 榜单


@router.get("/demands")
def demand_queue(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    held: Annotated[bool, Query()] = False,
    city: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    try:
        rows, total = demands.staff_list(
            session, user, DemandStatus.pending_review, _city(user, city), page, PAGE_SIZE, held_only=held
        )
    except NotFound:  # a page past the end
        rows, total = [], 0
    items = [
        {
            "id": d.id,
            "pending": d.status == DemandStatus.pending_review,
            "link": f"/admin/review/demands/{d.id}",
            "cells": [
                d.id,
                d.title,
                d.org_name,
                CITY_LABELS.get(d.city_code, d.city_code),
                SOURCES.get(d.source, d.source),
                _verdict(d.content_verdict),
                _time(d.deadline),
                _time(d.submitted_at),
            ],
            "detail": d.description[:300],
        }
        for d in rows
    ]
    filters = [
        ("held", "内容检测", [("false", "全部待审核榜单"), ("true", "仅内容检测待复核")], "true" if held else "false"),
        *_city_filter(user, city),
    ]
    return render(
        request,
        "queue.html",
        user,
        title="内容检测待复核的榜单" if held else "榜单审核",
        action="/admin/review/demands",
        rows=items,
        decidable=True,
        approve_label="通过并发布所选",
        columns=["ID", "榜单", "发榜单位", "城市", "来源", "内容检测", "截止时间", "提交审核"],
        filters=filters,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        query=f"held={str(held).lower()}&city={city}",
    )


def _industry(session: Session, code: str | None) -> str:
    row = session.get(Industry, code) if code else None
    return f"{row.name}（{code}）" if row is not None else (code or "")


def _demand_fields(session: Session, d: Demand) -> list[tuple[str, str]]:
    reward = "面议" if d.reward_negotiable else (f"{d.reward_wan_yuan:g} 万元" if d.reward_wan_yuan is not None else "")
    fields = [
        ("ID", str(d.id)),
        ("状态", DEMAND_STATUS.get(demands.effective(d), d.status)),
        ("榜单类型", LABELS[DemandType].get(d.demand_type, d.demand_type)),
        ("发榜单位", d.org_name),
        ("城市", CITY_LABELS.get(d.city_code, d.city_code)),
        ("来源", SOURCES.get(d.source, d.source)),
        ("行业", _industry(session, d.industry_code)),
        ("关键词", "、".join(d.keywords)),
        ("需求描述", d.description),
        ("技术指标", d.tech_targets),
        ("预期成果", d.expected_result),
        ("榜额", reward),
        ("截止时间", _time(d.deadline)),
        ("实施周期", f"{d.period_months} 个月" if d.period_months else ""),
        ("揭榜条件", d.eligibility),
        ("联系人", d.contact_name),
        ("联系电话", d.contact_phone),
        ("附件", "\n".join(f"{a.get('name', '')}（{a.get('url', '')}）" for a in d.attachments)),
        ("内容检测", _verdict(d.content_verdict)),
        ("提交审核", _time(d.submitted_at)),
    ]
    if d.reject_reason:
        fields.append(("驳回理由", d.reject_reason))
    return fields


@router.get("/demands/{demand_id}")
def demand_detail(request: Request, user: Reviewer, session: SessionDep, demand_id: ItemId) -> Response:
    demand = demands.staff_demand(session, user, demand_id)
    return render(
        request,
        "review_detail.html",
        user,
        title=f"榜单审核：{demand.title}",
        back="/admin/review/demands",
        fields=_demand_fields(session, demand),
        action="/admin/review/demands",
        item_id=demand.id,
        pending=demand.status == DemandStatus.pending_review,
        approve_label="通过并发布",
    )


@router.post("/demands", dependencies=[Depends(check_csrf)])
def demand_decide(
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
        approve=lambda i: demands.approve(session, user, i, ip),
        reject=lambda i, why: demands.reject(session, user, i, why, ip),
    )
    return redirect("/admin/review/demands", msg)


# ---------------------------------------------------------------- 揭榜申请


def _org_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))).all()
    return {int(i): n for i, n in rows if i is not None}


@router.get("/applications")
def application_queue(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    city: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    try:
        rows, total = demands.staff_applications(
            session, user, ApplicationStatus.pending_review, _city(user, city), page, PAGE_SIZE
        )
    except NotFound:
        rows, total = [], 0
    names = _org_names(session, {a.org_id for a, _ in rows})
    items = [
        {
            "id": a.id,
            "pending": a.status == ApplicationStatus.pending_review,
            "link": f"/admin/review/applications/{a.id}",
            "cells": [
                a.id,
                d.title,
                names.get(a.org_id, ""),
                CITY_LABELS.get(d.city_code, d.city_code),
                _verdict(a.content_verdict),
                _time(a.created_at),
            ],
            "detail": a.proposal[:300],
        }
        for a, d in rows
    ]
    return render(
        request,
        "queue.html",
        user,
        title="内容检测待复核的揭榜申请",
        action="/admin/review/applications",
        rows=items,
        decidable=True,
        approve_label="通过并送达发榜方",
        columns=["ID", "榜单", "揭榜单位", "榜单城市", "内容检测", "提交时间"],
        filters=_city_filter(user, city),
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        query=f"city={city}",
    )


def _application_fields(session: Session, a: DemandApplication, d: Demand) -> list[tuple[str, str]]:
    names = _org_names(session, {a.org_id})
    return [
        ("ID", str(a.id)),
        ("状态", APPLICATION_STATUS.get(a.status, a.status)),
        ("榜单", f"{d.title}（ID {d.id}，{CITY_LABELS.get(d.city_code, d.city_code)}，发榜单位：{d.org_name}）"),
        ("揭榜单位", names.get(a.org_id, "")),
        ("联合揭榜单位", "\n".join(f"{p.get('name', '')}：{p.get('role', '')}" for p in a.partners)),
        ("技术方案", a.proposal),
        ("团队", a.team),
        ("预算", f"{a.budget_wan_yuan:g} 万元" if a.budget_wan_yuan is not None else ""),
        ("进度安排", a.timeline),
        ("附件", "\n".join(f"{x.get('name', '')}（{x.get('url', '')}）" for x in a.attachments)),
        ("联系人", a.contact_name),
        ("联系电话", a.contact_phone),
        ("内容检测", _verdict(a.content_verdict)),
        ("提交时间", _time(a.created_at)),
        *([("驳回理由", a.reject_reason)] if a.reject_reason else []),
    ]


@router.get("/applications/{application_id}")
def application_detail(request: Request, user: Reviewer, session: SessionDep, application_id: ItemId) -> Response:
    application, demand = demands.staff_application(session, user, application_id)
    return render(
        request,
        "review_detail.html",
        user,
        title=f"揭榜申请审核：{demand.title}",
        back="/admin/review/applications",
        fields=_application_fields(session, application, demand),
        action="/admin/review/applications",
        item_id=application.id,
        pending=application.status == ApplicationStatus.pending_review,
        approve_label="通过并送达发榜方",
    )


@router.post("/applications", dependencies=[Depends(check_csrf)])
def application_decide(
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
        approve=lambda i: demands.staff_review_application(session, user, i, ReviewDecision.approve, None, ip),
        reject=lambda i, why: demands.staff_review_application(session, user, i, ReviewDecision.reject, why, ip),
    )
    return redirect("/admin/review/applications", msg)
