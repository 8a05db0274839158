"""揭榜挂帅: public 榜单, 我要发榜 (the acting organisation's demands), 我要揭榜 (applications), staff review."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from sqlmodel import Session, col, select

from app.core.db import SessionDep, WriteSessionDep, end_transaction, read, transaction
from app.core.listing import Page, fields
from app.core.models import utcnow
from app.core.schemas import ItemId
from app.core.security import client_ip
from app.core.views import ViewsDep
from app.demands import service
from app.demands.dependencies import WritingOrg
from app.demands.models import ApplicationStatus, ContentVerdict, Demand, DemandApplication
from app.demands.schemas import (
    AcceptancePublic,
    ApplicationCreate,
    ApplicationPublic,
    ApplicationQuery,
    ApplicationStaff,
    AwardBody,
    BatchReviewBody,
    BatchReviewResult,
    CompleteBody,
    DemandCreate,
    DemandMine,
    DemandPublic,
    DemandQuery,
    DemandStaff,
    DemandSummary,
    DemandUpdate,
    MyDemandQuery,
    RejectBody,
    ReviewDecision,
    StaffApplicationQuery,
    StaffDemandQuery,
)
from app.demands.state import effective_status
from app.members.dependencies import CurrentMember
from app.orgs.dependencies import ActingOrg
from app.orgs.models import Organization
from app.staff.dependencies import StaffReviewer

router = APIRouter(prefix="/demands", tags=["demands"])
applications_router = APIRouter(prefix="/applications", tags=["demands"])
staff_router = APIRouter(prefix="/staff", tags=["demands"])


# ---------------------------------------------------------------- converters


def _page(items: list[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "page_size": page_size, "has_more": page * page_size < total}


def _with_status(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A demand's columns with the status a reader sees (the deadline closes a published demand by itself)."""
    data["status"] = effective_status(data["status"], data["deadline"], now)
    return data


def summary(row: sa.Row[Any], now: datetime) -> DemandSummary:
    """A row of the public list (its columns: app.core.listing.page_of) as the board shows it."""
    return DemandSummary.model_validate(_with_status(fields(row), now))


def public(demand: Demand, now: datetime) -> DemandPublic:
    return DemandPublic.model_validate(_with_status(demand.model_dump(), now))


def _acceptance(demand: Demand, *, held_hidden: bool) -> AcceptancePublic | None:
    if demand.acceptance_date is None or demand.acceptance_result is None:
        return None
    held = held_hidden and demand.acceptance_verdict != ContentVerdict.pass_
    return AcceptancePublic(
        accepted_on=demand.acceptance_date,
        result=demand.acceptance_result,
        notes="（验收意见审核中）" if held and demand.acceptance_notes else demand.acceptance_notes,
        documents=[] if held else demand.acceptance_documents,
    )


def mine(demand: Demand, now: datetime) -> DemandMine:
    data = _with_status(demand.model_dump(), now)
    data["acceptance"] = _acceptance(demand, held_hidden=False)
    return DemandMine.model_validate(data)


def staff_view(demand: Demand, now: datetime) -> DemandStaff:
    data = _with_status(demand.model_dump(), now)
    data["acceptance"] = _acceptance(demand, held_hidden=False)
    return DemandStaff.model_validate(data)


def application_view(
    application: DemandApplication, demand: Demand, org_name: str, cls: type[ApplicationPublic] = ApplicationPublic
) -> Any:
    data = application.model_dump()
    data["demand_title"] = demand.title
    data["org_name"] = org_name
    data["partners"] = [
        {"org_id": int(p.get("org_id", 0)), "name": p.get("name", ""), "role": p.get("role", "")}
        for p in application.partners
    ]
    data["city_code"] = demand.city_code
    return cls.model_validate(data)


def _apps(
    session: Session, rows: list[tuple[DemandApplication, Demand]], cls: type[ApplicationPublic] = ApplicationPublic
) -> list[Any]:
    ids = {a.org_id for a, _ in rows}
    names = dict(session.exec(select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))).all())
    return [application_view(a, d, names.get(a.org_id, ""), cls) for a, d in rows]


# ---------------------------------------------------------------- public


@router.get("", operation_id="demands_list", summary="榜单列表")
async def list_demands(session: SessionDep, q: Annotated[DemandQuery, Query()]) -> Page[DemandSummary]:
    """已发布的榜单（揭榜中、已截止、已签约/攻关中、已验收），可按城市、行业、状态、类型、产业链、关键词筛选，
    按最新、即将截止、最热、榜额排序。到截止时间的榜单自动显示为“已截止”。"""
    now = utcnow()
    return Page[DemandSummary].model_validate(await read(session, service.list_public, q, lambda d: summary(d, now)))


# ---------------------------------------------------------------- member: my demands


@router.get("/mine", operation_id="demands_mine", summary="我发布的榜单")
def my_demands(org: ActingOrg, session: SessionDep, q: Annotated[MyDemandQuery, Query()]) -> Page[DemandMine]:
    """当前机构发布的全部榜单（含草稿、待审核、已驳回），按最近修改排序。"""
    now = utcnow()
    rows, total = service.my_demands(session, org, q.status, q.page, q.page_size)
    return Page[DemandMine].model_validate(_page([mine(r, now) for r in rows], total, q.page, q.page_size))


@router.get("/mine/{demand_id}", operation_id="demands_mine_get", summary="我发布的榜单详情")
def my_demand(org: ActingOrg, session: SessionDep, demand_id: ItemId) -> DemandMine:
    """发榜方自己看到的榜单：完整联系方式、驳回理由、验收记录。"""
    return mine(service.owned_demand(session, org, demand_id), utcnow())


@router.post("", operation_id="demands_create", summary="新建榜单草稿", status_code=201)
def create_demand(member: CurrentMember, org: WritingOrg, session: WriteSessionDep, body: DemandCreate) -> DemandMine:
    """我要发榜：以当前已认证机构的名义保存草稿。草稿随时可改，提交审核前不对外公开。"""
    with transaction(session):
        demand = service.create_draft(session, member, org, body)
    return mine(demand, utcnow())


@router.patch("/{demand_id}", operation_id="demands_update", summary="修改榜单")
def update_demand(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, demand_id: ItemId, body: DemandUpdate
) -> DemandMine:
    """修改草稿或被驳回的榜单（只改提交的字段）；其他状态下修改返回 409。"""
    with transaction(session):
        demand = service.update_draft(session, member, org, demand_id, body)
    return mine(demand, utcnow())


@router.post("/{demand_id}/submit", operation_id="demands_submit", summary="提交审核")
def submit_demand(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, reader: SessionDep, demand_id: ItemId
) -> DemandMine:
    """草稿或被驳回的榜单提交审核：先检查必填项，再做内容安全检测（违规内容返回 422），之后由工作人员审核发布。"""
    with transaction(session):
        demand = service.submit(session, member, org, demand_id, reader)
    return mine(demand, utcnow())


@router.post("/{demand_id}/withdraw", operation_id="demands_withdraw", summary="撤回榜单")
def withdraw_demand(member: CurrentMember, org: WritingOrg, session: WriteSessionDep, demand_id: ItemId) -> DemandMine:
    """撤回尚未确定揭榜方的榜单；已揭榜的单位会收到通知。"""
    with transaction(session):
        service.close_due(session, demand_id=demand_id)
        demand = service.withdraw(session, member, org, demand_id)
    return mine(demand, utcnow())


@router.post("/{demand_id}/award", operation_id="demands_award", summary="确定揭榜方")
def award_demand(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, demand_id: ItemId, body: AwardBody
) -> DemandMine:
    """选定一个或多个揭榜申请，榜单进入“已签约/攻关中”；其余申请为未入选。各方收到通知。"""
    with transaction(session):
        service.close_due(session, demand_id=demand_id)
        demand = service.award(session, member, org, demand_id, body.application_ids)
    return mine(demand, utcnow())


@router.post("/{demand_id}/complete", operation_id="demands_complete", summary="验收")
def complete_demand(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, demand_id: ItemId, body: CompleteBody
) -> DemandMine:
    """已签约的榜单填写验收记录（日期、结论、意见、材料）后完成；揭榜方收到通知。"""
    with transaction(session):
        demand = service.complete(session, member, org, demand_id, body)
    return mine(demand, utcnow())


@router.get("/{demand_id}/applications", operation_id="demands_applications", summary="本榜单收到的揭榜申请")
def demand_applications(
    org: ActingOrg, session: SessionDep, demand_id: ItemId, q: Annotated[ApplicationQuery, Query()]
) -> Page[ApplicationPublic]:
    """只有发榜机构能看到自己榜单收到的申请（内容审核中的申请不显示）。"""
    rows, total = service.applications_of_demand(session, org, demand_id, q.status, q.page, q.page_size)
    return Page[ApplicationPublic].model_validate(_page(_apps(session, rows), total, q.page, q.page_size))


@router.post("/{demand_id}/applications", operation_id="applications_create", summary="我要揭榜", status_code=201)
def create_application(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, demand_id: ItemId, body: ApplicationCreate
) -> ApplicationPublic:
    """以当前已认证机构的名义揭榜，可联合其他已认证机构（联合揭榜）。每个机构对同一榜单只能有一份有效申请；
    只有揭榜中且未截止的榜单接受申请。内容检测需人工复核时，申请先由工作人员审核再送达发榜方。"""
    with transaction(session):
        application = service.apply(session, member, org, demand_id, body)
        out = _apps(session, [(application, service.application_demand(session, application))])[0]
    return out


@router.get("/{demand_id}", operation_id="demands_get", summary="榜单详情")
def get_demand(session: SessionDep, views: ViewsDep, demand_id: ItemId) -> DemandPublic:
    """已发布榜单的详情；联系电话已脱敏。"""
    now = utcnow()
    demand = service.get_public(session, demand_id)
    if service.is_due_now(demand, now):
        # The reader sees it closed either way (`public` computes the status); the first read past the deadline also
        # stores the close and tells the poster, in a write of its own after the read transaction.
        end_transaction(session)
        with transaction(session):
            service.close_due(session, now, demand_id=demand_id)
        session.refresh(demand)
    return views.seen(Demand, public(demand, now))


# ---------------------------------------------------------------- applications


@applications_router.get("/mine", operation_id="applications_mine", summary="我的揭榜")
def my_applications(
    org: ActingOrg, session: SessionDep, q: Annotated[ApplicationQuery, Query()]
) -> Page[ApplicationPublic]:
    """当前机构提交的全部揭榜申请。"""
    rows, total = service.my_applications(session, org, q.status, q.page, q.page_size)
    return Page[ApplicationPublic].model_validate(_page(_apps(session, rows), total, q.page, q.page_size))


@applications_router.get("/{application_id}", operation_id="applications_get", summary="揭榜申请详情")
def get_application(org: ActingOrg, session: SessionDep, application_id: ItemId) -> ApplicationPublic:
    """申请方与发榜方可见，其他人一律 404。"""
    application, demand = service.visible_application(session, org, application_id)
    return _apps(session, [(application, demand)])[0]


@applications_router.post("/{application_id}/withdraw", operation_id="applications_withdraw", summary="撤回揭榜申请")
def withdraw_application(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, application_id: ItemId
) -> ApplicationPublic:
    """申请方在结果确定前撤回申请；发榜方收到通知。撤回后可重新揭榜。"""
    with transaction(session):
        application = service.withdraw_application(session, member, org, application_id)
        out = _apps(session, [(application, service.application_demand(session, application))])[0]
    return out


@applications_router.post("/{application_id}/shortlist", operation_id="applications_shortlist", summary="入围揭榜申请")
def shortlist_application(
    member: CurrentMember, org: WritingOrg, session: WriteSessionDep, application_id: ItemId
) -> ApplicationPublic:
    """发榜方把收到的申请列入入围名单；申请方收到通知。"""
    with transaction(session):
        application = service.shortlist(session, member, org, application_id)
        out = _apps(session, [(application, service.application_demand(session, application))])[0]
    return out


# ---------------------------------------------------------------- staff


@staff_router.get("/demands", operation_id="staff_demands_list", summary="榜单审核队列")
def staff_list_demands(
    staff: StaffReviewer, session: SessionDep, q: Annotated[StaffDemandQuery, Query()]
) -> Page[DemandStaff]:
    """默认列出待审核的榜单（内容检测需复核的排在前面）；市级工作人员只看本市。"""
    now = utcnow()
    rows, total = service.staff_list(session, staff, q.status, q.city, q.page, q.page_size)
    return Page[DemandStaff].model_validate(_page([staff_view(r, now) for r in rows], total, q.page, q.page_size))


@staff_router.post("/demands/review", operation_id="staff_demands_review", summary="批量审核榜单")
def staff_review_demands(
    staff: StaffReviewer, session: WriteSessionDep, request: Request, body: BatchReviewBody
) -> BatchReviewResult:
    """一次通过或驳回多个榜单；每个榜单单独成败，结果逐条返回。"""
    with transaction(session):
        results = service.review_many(session, staff, body.ids, body.decision, body.reason, client_ip(request))
    return BatchReviewResult.model_validate({"results": results})


@staff_router.get("/demands/{demand_id}", operation_id="staff_demands_get", summary="榜单审核详情")
def staff_get_demand(staff: StaffReviewer, session: SessionDep, demand_id: ItemId) -> DemandStaff:
    """工作人员查看榜单全部内容与内容检测结论。"""
    return staff_view(service.staff_demand(session, staff, demand_id), utcnow())


@staff_router.post("/demands/{demand_id}/approve", operation_id="staff_demands_approve", summary="审核通过并发布")
def staff_approve_demand(
    staff: StaffReviewer, session: WriteSessionDep, request: Request, demand_id: ItemId
) -> DemandStaff:
    """待审核榜单审核通过后立即发布；发榜方收到通知，订阅了匹配关键词/行业/城市的会员收到推送。"""
    with transaction(session):
        demand = service.approve(session, staff, demand_id, client_ip(request))
    return staff_view(demand, utcnow())


@staff_router.post("/demands/{demand_id}/reject", operation_id="staff_demands_reject", summary="驳回榜单")
def staff_reject_demand(
    staff: StaffReviewer, session: WriteSessionDep, request: Request, demand_id: ItemId, body: RejectBody
) -> DemandStaff:
    """驳回并写明理由；发榜方收到通知，修改后可重新提交。"""
    with transaction(session):
        demand = service.reject(session, staff, demand_id, body.reason, client_ip(request))
    return staff_view(demand, utcnow())


@staff_router.get("/applications", operation_id="staff_applications_list", summary="揭榜申请审核队列")
def staff_list_applications(
    staff: StaffReviewer, session: SessionDep, q: Annotated[StaffApplicationQuery, Query()]
) -> Page[ApplicationStaff]:
    """默认列出内容检测需人工复核的揭榜申请；市级工作人员只看本市榜单的申请。"""
    rows, total = service.staff_applications(session, staff, q.status, q.city, q.page, q.page_size)
    return Page[ApplicationStaff].model_validate(
        _page(_apps(session, rows, ApplicationStaff), total, q.page, q.page_size)
    )


@staff_router.get("/applications/{application_id}", operation_id="staff_applications_get", summary="揭榜申请审核详情")
def staff_get_application(staff: StaffReviewer, session: SessionDep, application_id: ItemId) -> ApplicationStaff:
    """工作人员查看揭榜申请全部内容。"""
    row = service.staff_application(session, staff, application_id)
    return _apps(session, [row], ApplicationStaff)[0]


@staff_router.post(
    "/applications/{application_id}/approve", operation_id="staff_applications_approve", summary="揭榜申请审核通过"
)
def staff_approve_application(
    staff: StaffReviewer, session: WriteSessionDep, request: Request, application_id: ItemId
) -> ApplicationStaff:
    """审核通过后申请送达发榜方；双方收到通知。"""
    with transaction(session):
        application = service.staff_review_application(
            session, staff, application_id, ReviewDecision.approve, None, client_ip(request)
        )
        out = _apps(session, [service.staff_application(session, staff, application.id or 0)], ApplicationStaff)[0]
    return out


@staff_router.post(
    "/applications/{application_id}/reject", operation_id="staff_applications_reject", summary="驳回揭榜申请"
)
def staff_reject_application(
    staff: StaffReviewer, session: WriteSessionDep, request: Request, application_id: ItemId, body: RejectBody
) -> ApplicationStaff:
    """驳回并写明理由；申请方收到通知。"""
    with transaction(session):
        application = service.staff_review_application(
            session, staff, application_id, ReviewDecision.reject, body.reason, client_ip(request)
        )
        out = _apps(session, [service.staff_application(session, staff, application.id or 0)], ApplicationStaff)[0]
    return out


__all__ = ["ApplicationStatus", "applications_router", "router", "staff_router"]
