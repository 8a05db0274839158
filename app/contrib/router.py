"""Members contribute to the boards (registrations, achievements, financing needs, jobs, interest), see their own
in 「我的」, and staff publish events and review what the content check held."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.audit.service import record
from app.boards.finance.models import FinancingNeed
from app.boards.showcase.models import Achievement
from app.boards.talent.models import Job
from app.contrib import review, service
from app.contrib.models import InterestTarget
from app.contrib.schemas import (
    AchievementCreate,
    AchievementUpdate,
    EventCreate,
    EventUpdate,
    FinancingNeedCreate,
    FinancingNeedUpdate,
    FinancingSuggestions,
    InterestCreate,
    InterestPublic,
    InterestSent,
    JobCreate,
    JobUpdate,
    MyAchievement,
    MyFinancingNeed,
    MyJob,
    RegistrationCreate,
    RegistrationPublic,
    RegistrationRow,
    ReviewItem,
    ReviewKind,
    ReviewReject,
    ReviewResult,
    StaffEventPublic,
)
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import ErrorBody
from app.core.schemas import ItemId
from app.members.dependencies import CurrentMember
from app.orgs.dependencies import ActingOrg
from app.staff.dependencies import StaffAdmin, StaffReviewer

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "未登录"},
    403: {"model": ErrorBody, "description": "无权操作（如机构未认证）"},
    409: {"model": ErrorBody, "description": "与当前状态冲突"},
}

router = APIRouter(responses=_ERRORS)


# ---------------------------------------------------------------- events


@router.post(
    "/showcase/events/{event_id}/registrations",
    operation_id="showcase_event_register",
    summary="活动报名",
    status_code=201,
    tags=["showcase"],
)
def register(
    event_id: ItemId, body: RegistrationCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> RegistrationPublic:
    """已认证机构的会员报名活动：名额、报名截止日期与开始时间在同一条条件更新中检查，并发报名也不会超出名额。
    已取消的报名可再次报名。参会人电话仅主办方可见。"""
    reg = service.register(session, member, org, event_id, body)
    session.commit()
    return reg


@router.delete(
    "/showcase/events/{event_id}/registration",
    operation_id="showcase_event_cancel_registration",
    summary="取消活动报名",
    status_code=204,
    tags=["showcase"],
)
def cancel_registration(event_id: ItemId, member: CurrentMember, session: WriteSessionDep) -> None:
    """活动开始前取消本人的报名，名额随即释放。"""
    service.cancel_registration(session, member, event_id)
    session.commit()


@router.get("/my/event-registrations", operation_id="my_event_registrations", summary="我的活动报名", tags=["my"])
def my_registrations(member: CurrentMember, session: SessionDep) -> list[RegistrationPublic]:
    """本人的活动报名（含已取消），按活动开始时间由近及远。"""
    return service.my_registrations(session, member)


@router.post(
    "/staff/events", operation_id="staff_event_create", summary="发布活动", status_code=201, tags=["staff-contrib"]
)
def staff_create_event(body: EventCreate, staff: StaffAdmin, session: WriteSessionDep) -> StaffEventPublic:
    """管理员发布活动（科创集市、院所开放日、路演等），设定名额与报名截止日期；市管理员只能发布本市活动。"""
    service.check_industry(session, body.industry_code, body.industries)
    event = service.create_event(session, staff, body)
    session.commit()
    return StaffEventPublic.model_validate(event)


@router.patch("/staff/events/{event_id}", operation_id="staff_event_update", summary="修改活动", tags=["staff-contrib"])
def staff_update_event(
    event_id: ItemId, body: EventUpdate, staff: StaffAdmin, session: WriteSessionDep
) -> StaffEventPublic:
    """修改活动信息；名额不能少于已报名人数（在同一条条件更新中检查）。市管理员只能修改本市活动。"""
    event = service.update_event(session, staff, event_id, body)
    session.commit()
    return StaffEventPublic.model_validate(event)


@router.get(
    "/staff/events/{event_id}/registrations",
    operation_id="staff_event_registrations",
    summary="活动报名名单",
    tags=["staff-contrib"],
)
def staff_registrations(event_id: ItemId, staff: StaffAdmin, session: SessionDep) -> list[RegistrationRow]:
    """主办方查看有效报名（完整联系电话，仅限本市或区管理员）。"""
    _, rows = service.event_registrations(session, staff, event_id)
    return [RegistrationRow.model_validate(r) for r in rows]


@router.get(
    "/staff/events/{event_id}/registrations.xlsx",
    operation_id="staff_event_registrations_export",
    summary="导出报名名单（Excel）",
    tags=["staff-contrib"],
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
def staff_registrations_export(event_id: ItemId, staff: StaffAdmin, session: WriteSessionDep) -> Response:
    """报名名单导出为 Excel（.xlsx），导出行为记入审计日志。"""
    event, rows = service.event_registrations(session, staff, event_id)
    content = service.registrations_workbook(event, rows)
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=event.city_code,
        action="event.registrations.export",
        object_type="event",
        object_id=event.id,
        detail={"rows": len(rows)},
    )
    session.commit()
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}-registrations.xlsx"'},
    )


# ---------------------------------------------------------------- achievements


@router.post(
    "/showcase/achievements",
    operation_id="showcase_achievement_create",
    summary="发布科技成果",
    status_code=201,
    tags=["showcase"],
)
def create_achievement(
    body: AchievementCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyAchievement:
    """已认证的高校、科研院所、企业发布科技成果。文字经内容安全检测：通过即公开，需复核的待工作人员审核，
    违规的拒绝（422）。"""
    row = service.create_achievement(session, member, org, body)
    session.commit()
    return MyAchievement.model_validate(row)


@router.patch(
    "/showcase/achievements/{achievement_id}",
    operation_id="showcase_achievement_update",
    summary="修改本机构的科技成果",
    tags=["showcase"],
)
def update_achievement(
    achievement_id: ItemId, body: AchievementUpdate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyAchievement:
    """修改后重新经内容安全检测；被驳回的成果修改后重新提交审核。只能修改本机构的成果。"""
    row = service.update_achievement(session, member, org, achievement_id, body)
    session.commit()
    return MyAchievement.model_validate(row)


@router.post(
    "/showcase/achievements/{achievement_id}/unpublish",
    operation_id="showcase_achievement_unpublish",
    summary="下架本机构的科技成果",
    tags=["showcase"],
)
def unpublish_achievement(
    achievement_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyAchievement:
    """本机构下架自己发布的科技成果：不再公开展示，也不再出现在搜索结果中；可重新上架。只能操作本机构的科技成果。"""
    row = service.set_own_publication(session, member, org, Achievement, achievement_id, publish=False)
    session.commit()
    return MyAchievement.model_validate(row)


@router.post(
    "/showcase/achievements/{achievement_id}/publish",
    operation_id="showcase_achievement_publish",
    summary="重新上架本机构的科技成果",
    tags=["showcase"],
)
def publish_achievement(
    achievement_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyAchievement:
    """重新上架已下架的科技成果；已通过审核的随即公开并可被搜索到，待审核的仍待工作人员审核。"""
    row = service.set_own_publication(session, member, org, Achievement, achievement_id, publish=True)
    session.commit()
    return MyAchievement.model_validate(row)


@router.post(
    "/showcase/achievements/{achievement_id}/interests",
    operation_id="showcase_achievement_interest",
    summary="我感兴趣",
    status_code=201,
    tags=["showcase"],
)
def achievement_interest(
    achievement_id: ItemId, body: InterestCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> InterestSent:
    """对他人的科技成果表示感兴趣：成果方收到站内信，含本机构名称；联系电话只在选择提供时告知。"""
    interest = service.express_interest(session, member, org, InterestTarget.achievement, achievement_id, body)
    session.commit()
    return InterestSent.model_validate(interest)


@router.get("/my/achievements", operation_id="my_achievements", summary="我的科技成果", tags=["my"])
def my_achievements(org: ActingOrg, session: SessionDep) -> list[MyAchievement]:
    """本机构发布的科技成果及其审核状态、驳回原因。"""
    return [MyAchievement.model_validate(r) for r in service.mine(session, Achievement, org)]


@router.get(
    "/my/achievements/{achievement_id}/interests",
    operation_id="my_achievement_interests",
    summary="对我的成果感兴趣的机构",
    tags=["my"],
)
def my_achievement_interests(achievement_id: ItemId, org: ActingOrg, session: SessionDep) -> list[InterestPublic]:
    """对本机构某项成果感兴趣的机构与留言；对方选择提供时才显示电话。"""
    return service.interests_for(session, org, InterestTarget.achievement, achievement_id)


@router.get("/my/interests", operation_id="my_interests", summary="我表达过的兴趣", tags=["my"])
def my_interests(member: CurrentMember, session: SessionDep) -> list[InterestSent]:
    """本人对成果、融资需求表达过的兴趣及留言审核状态。"""
    return [InterestSent.model_validate(i) for i in service.interests_sent(session, member)]


# ---------------------------------------------------------------- financing needs


@router.post(
    "/finance/financing-needs",
    operation_id="finance_financing_need_create",
    summary="发布融资需求",
    status_code=201,
    tags=["finance"],
)
def create_financing_need(
    body: FinancingNeedCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyFinancingNeed:
    """已认证企业发布融资需求（金额、阶段、用途、行业），文字经内容安全检测。"""
    row = service.create_financing_need(session, member, org, body)
    session.commit()
    return MyFinancingNeed.model_validate(row)


@router.patch(
    "/finance/financing-needs/{need_id}",
    operation_id="finance_financing_need_update",
    summary="修改本企业的融资需求",
    tags=["finance"],
)
def update_financing_need(
    need_id: ItemId, body: FinancingNeedUpdate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyFinancingNeed:
    """修改后重新经内容安全检测。只能修改本企业的融资需求。"""
    row = service.update_financing_need(session, member, org, need_id, body)
    session.commit()
    return MyFinancingNeed.model_validate(row)


@router.post(
    "/finance/financing-needs/{need_id}/unpublish",
    operation_id="finance_financing_need_unpublish",
    summary="下架本机构的融资需求",
    tags=["finance"],
)
def unpublish_financing_need(
    need_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyFinancingNeed:
    """本机构下架自己发布的融资需求：不再公开展示，也不再出现在搜索结果中；可重新上架。只能操作本机构的融资需求。"""
    row = service.set_own_publication(session, member, org, FinancingNeed, need_id, publish=False)
    session.commit()
    return MyFinancingNeed.model_validate(row)


@router.post(
    "/finance/financing-needs/{need_id}/publish",
    operation_id="finance_financing_need_publish",
    summary="重新上架本机构的融资需求",
    tags=["finance"],
)
def publish_financing_need(
    need_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyFinancingNeed:
    """重新上架已下架的融资需求；已通过审核的随即公开并可被搜索到，待审核的仍待工作人员审核。"""
    row = service.set_own_publication(session, member, org, FinancingNeed, need_id, publish=True)
    session.commit()
    return MyFinancingNeed.model_validate(row)


@router.post(
    "/finance/financing-needs/{need_id}/interests",
    operation_id="finance_financing_need_interest",
    summary="表达投资意向",
    status_code=201,
    tags=["finance"],
)
def financing_interest(
    need_id: ItemId, body: InterestCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> InterestSent:
    """投资机构、服务机构对融资需求表达意向：企业收到站内信，含机构名称；电话只在选择提供时告知。"""
    interest = service.express_interest(session, member, org, InterestTarget.financing_need, need_id, body)
    session.commit()
    return InterestSent.model_validate(interest)


@router.get("/my/financing-needs", operation_id="my_financing_needs", summary="我的融资需求", tags=["my"])
def my_financing_needs(org: ActingOrg, session: SessionDep) -> list[MyFinancingNeed]:
    """本企业发布的融资需求及其审核状态。"""
    return [MyFinancingNeed.model_validate(r) for r in service.mine(session, FinancingNeed, org)]


@router.get(
    "/my/financing-needs/{need_id}/suggestions",
    operation_id="my_financing_need_suggestions",
    summary="适合的基金与金融产品",
    tags=["my"],
)
def my_financing_suggestions(need_id: ItemId, org: ActingOrg, session: SessionDep) -> FinancingSuggestions:
    """按阶段、金额、行业推荐基金与贷款产品：行业相符的在前，其次同城，再按最新。"""
    need = service.owned(session, FinancingNeed, need_id, org)
    return service.suggestions(session, need)


@router.get(
    "/my/financing-needs/{need_id}/interests",
    operation_id="my_financing_need_interests",
    summary="对我的融资需求有意向的机构",
    tags=["my"],
)
def my_financing_interests(need_id: ItemId, org: ActingOrg, session: SessionDep) -> list[InterestPublic]:
    """表达投资意向的机构与留言；对方选择提供时才显示电话。"""
    return service.interests_for(session, org, InterestTarget.financing_need, need_id)


# ---------------------------------------------------------------- jobs


@router.post("/talent/jobs", operation_id="talent_job_create", summary="发布招聘岗位", status_code=201, tags=["talent"])
def create_job(body: JobCreate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep) -> MyJob:
    """已认证机构发布招聘岗位，须有截止日期，过期后自动不再展示。文字经内容安全检测。"""
    row = service.create_job(session, member, org, body)
    session.commit()
    return service.my_job(row)


@router.patch("/talent/jobs/{job_id}", operation_id="talent_job_update", summary="修改本机构的岗位", tags=["talent"])
def update_job(
    job_id: ItemId, body: JobUpdate, member: CurrentMember, org: ActingOrg, session: WriteSessionDep
) -> MyJob:
    """修改岗位（可延长截止日期重新开放）；修改后重新经内容安全检测。只能修改本机构的岗位。"""
    row = service.update_job(session, member, org, job_id, body)
    session.commit()
    return service.my_job(row)


@router.post(
    "/talent/jobs/{job_id}/unpublish",
    operation_id="talent_job_unpublish",
    summary="下架本机构的招聘岗位",
    tags=["talent"],
)
def unpublish_job(job_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep) -> MyJob:
    """本机构下架自己发布的招聘岗位：不再公开展示，也不再出现在搜索结果中；可重新上架。只能操作本机构的招聘岗位。"""
    row = service.set_own_publication(session, member, org, Job, job_id, publish=False)
    session.commit()
    return service.my_job(row)


@router.post(
    "/talent/jobs/{job_id}/publish",
    operation_id="talent_job_publish",
    summary="重新上架本机构的招聘岗位",
    tags=["talent"],
)
def publish_job(job_id: ItemId, member: CurrentMember, org: ActingOrg, session: WriteSessionDep) -> MyJob:
    """重新上架已下架的招聘岗位；已通过审核的随即公开并可被搜索到，待审核的仍待工作人员审核。"""
    row = service.set_own_publication(session, member, org, Job, job_id, publish=True)
    session.commit()
    return service.my_job(row)


@router.get("/my/jobs", operation_id="my_jobs", summary="我的招聘岗位", tags=["my"])
def my_jobs(org: ActingOrg, session: SessionDep) -> list[MyJob]:
    """本机构发布的岗位、审核状态与是否仍在招聘（过截止日期即关闭）。"""
    return [service.my_job(r) for r in service.mine(session, Job, org)]


# ---------------------------------------------------------------- review


@router.get(
    "/staff/review/{kind}", operation_id="staff_review_queue", summary="会员内容审核队列", tags=["staff-contrib"]
)
def review_queue(kind: ReviewKind, staff: StaffReviewer, session: SessionDep) -> list[ReviewItem]:
    """内容安全检测需复核的会员提交（成果、融资需求、岗位、留言、技术经理人资料、跟进记录），最早的在前；
    市级工作人员只看本市。"""
    return review.review_queue(session, staff, kind)


@router.post(
    "/staff/review/{kind}/{item_id}/approve",
    operation_id="staff_review_approve",
    summary="审核通过",
    tags=["staff-contrib"],
)
def review_approve(kind: ReviewKind, item_id: ItemId, staff: StaffReviewer, session: WriteSessionDep) -> ReviewResult:
    """通过后内容公开（留言、跟进记录此时才送达对方），并通知提交方。"""
    row = review.approve(session, staff, kind, item_id)
    session.commit()
    return ReviewResult(kind=kind, id=row.id, verification=row.verification)


@router.post(
    "/staff/review/{kind}/{item_id}/reject",
    operation_id="staff_review_reject",
    summary="审核驳回",
    tags=["staff-contrib"],
)
def review_reject(
    kind: ReviewKind, item_id: ItemId, body: ReviewReject, staff: StaffReviewer, session: WriteSessionDep
) -> ReviewResult:
    """驳回并说明原因，提交方在站内信与「我的」中看到原因，修改后可重新提交。"""
    row = review.reject(session, staff, kind, item_id, body.reason)
    session.commit()
    return ReviewResult(kind=kind, id=row.id, verification=row.verification)
