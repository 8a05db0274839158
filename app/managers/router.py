"""技术经理人: applying for a profile, claims and staff assignments to demands, follow-up records, ratings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import AppError, ErrorBody
from app.core.listing import Page
from app.core.schemas import ItemId
from app.demands.schemas import ApplicationQuery
from app.managers import service
from app.managers.schemas import (
    AssignmentApplication,
    AssignmentDetail,
    AssignmentPublic,
    FollowUpCreate,
    FollowUpPublic,
    ManagerApply,
    ManagerAssign,
    ManagerClaim,
    MyManagerProfile,
    RatingCreate,
)
from app.members.dependencies import CurrentMember
from app.orgs.dependencies import ActingOrg, get_acting_org
from app.orgs.models import Organization
from app.staff.dependencies import StaffAdmin

router = APIRouter(
    responses={
        401: {"model": ErrorBody, "description": "未登录"},
        403: {"model": ErrorBody, "description": "无权操作"},
        409: {"model": ErrorBody, "description": "与当前状态冲突"},
    }
)


def _assignment(session: SessionDep, member: CurrentMember, assignment_id: int) -> AssignmentDetail:
    org: Organization | None
    try:
        org = get_acting_org(member, session)
    except AppError:
        org = None
    return service.assignment_detail(session, member, org, assignment_id)


@router.post(
    "/tech/managers/applications",
    operation_id="tech_manager_apply",
    summary="申请成为技术经理人",
    status_code=201,
    tags=["tech"],
)
def apply(body: ManagerApply, member: CurrentMember, org: ActingOrg, session: WriteSessionDep) -> MyManagerProfile:
    """已认证机构的会员提交技术经理人资料（所属机构、擅长领域、城市、证书编号），经工作人员核验后公开。"""
    profile = service.apply_profile(session, member, org, body)
    session.commit()
    return MyManagerProfile.model_validate(profile)


@router.get("/my/manager-profile", operation_id="my_manager_profile", summary="我的技术经理人资料", tags=["my"])
def my_profile(member: CurrentMember, session: SessionDep) -> MyManagerProfile:
    """本人的技术经理人资料与核验状态。"""
    return MyManagerProfile.model_validate(service.my_profile(session, member))


@router.post(
    "/tech/managers/claims",
    operation_id="tech_manager_claim",
    summary="认领榜单",
    status_code=201,
    tags=["tech"],
)
def claim(body: ManagerClaim, member: CurrentMember, session: WriteSessionDep) -> AssignmentPublic:
    """已认证的技术经理人认领擅长领域内、揭榜中的榜单；每个榜单同时只有一位经理人跟进，发榜方可以拒绝。"""
    row = service.claim(session, member, body.demand_id)
    session.commit()
    return service.my_assignments_one(session, row.id)


@router.get("/my/assignments", operation_id="my_assignments", summary="我跟进的榜单", tags=["my"])
def my_assignments(member: CurrentMember, session: SessionDep) -> list[AssignmentPublic]:
    """技术经理人本人被指派或认领的榜单。"""
    return service.my_assignments(session, member)


@router.get(
    "/tech/assignments/{assignment_id}",
    operation_id="tech_assignment_get",
    summary="跟进详情",
    tags=["tech"],
)
def get_assignment(assignment_id: ItemId, member: CurrentMember, session: SessionDep) -> AssignmentDetail:
    """经理人本人或发榜机构查看跟进安排与跟进记录（发榜方只看到已通过内容检测的记录）。"""
    return _assignment(session, member, assignment_id)


@router.get(
    "/tech/assignments/{assignment_id}/applications",
    operation_id="tech_assignment_applications",
    summary="跟进榜单收到的揭榜申请",
    tags=["tech"],
)
def assignment_applications(
    assignment_id: ItemId, member: CurrentMember, session: SessionDep, q: Annotated[ApplicationQuery, Query()]
) -> Page[AssignmentApplication]:
    """被指派或认领该榜单的技术经理人查看榜单收到的揭榜申请（已通过内容检测的），含揭榜机构名称、类型、城市与方案；
    联系电话已脱敏，附件只有发榜方可见。其他经理人、揭榜方和其他人得到 404；跟进安排结束后不能再查看。"""
    items, total = service.assignment_applications(session, member, assignment_id, q.status, q.page, q.page_size)
    return Page[AssignmentApplication](
        items=items, total=total, page=q.page, page_size=q.page_size, has_more=q.page * q.page_size < total
    )


@router.post(
    "/tech/assignments/{assignment_id}/follow-ups",
    operation_id="tech_assignment_follow_up",
    summary="添加跟进记录",
    status_code=201,
    tags=["tech"],
)
def add_follow_up(
    assignment_id: ItemId, body: FollowUpCreate, member: CurrentMember, session: WriteSessionDep
) -> FollowUpPublic:
    """经理人记录跟进（日期、联系情况、下一步），经内容安全检测后通知发榜方。"""
    row = service.add_follow_up(session, member, assignment_id, body)
    session.commit()
    return FollowUpPublic.model_validate(row)


@router.post(
    "/tech/assignments/{assignment_id}/decline",
    operation_id="tech_assignment_decline",
    summary="发榜方拒绝认领",
    tags=["tech"],
)
def decline(assignment_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep) -> AssignmentPublic:
    """发榜机构谢绝主动认领的技术经理人，经理人收到通知。"""
    row = service.decline(session, member, org, assignment_id)
    session.commit()
    return service.my_assignments_one(session, row.id)


@router.post(
    "/tech/assignments/{assignment_id}/rating",
    operation_id="tech_assignment_rate",
    summary="评价技术经理人",
    tags=["tech"],
)
def rate(
    assignment_id: ItemId, body: RatingCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> AssignmentPublic:
    """榜单验收后，发榜机构为跟进的技术经理人评分（1–5），只能评价一次。"""
    row = service.rate(session, member, org, assignment_id, body.rating)
    session.commit()
    return service.my_assignments_one(session, row.id)


@router.post(
    "/staff/demands/{demand_id}/manager",
    operation_id="staff_demand_assign_manager",
    summary="指派技术经理人",
    status_code=201,
    tags=["staff-contrib"],
)
def staff_assign(
    demand_id: ItemId, body: ManagerAssign, staff: StaffAdmin, session: WriteSessionDep
) -> AssignmentPublic:
    """管理员为本市榜单指派已核验的技术经理人；经理人与发榜方都收到通知。"""
    row = service.staff_assign(session, staff, demand_id, body.manager_id)
    session.commit()
    return service.my_assignments_one(session, row.id)


@router.post(
    "/staff/assignments/{assignment_id}/end",
    operation_id="staff_assignment_end",
    summary="终止跟进安排",
    tags=["staff-contrib"],
)
def staff_end(assignment_id: ItemId, staff: StaffAdmin, session: WriteSessionDep) -> AssignmentPublic:
    """管理员终止某位经理人对榜单的跟进（可再指派他人）。"""
    row = service.staff_end(session, staff, assignment_id)
    session.commit()
    return service.my_assignments_one(session, row.id)
