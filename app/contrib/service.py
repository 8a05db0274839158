"""Rules of what members contribute to the boards: events and registrations, achievements, financing needs, jobs
and expressions of interest. Services never commit; the endpoint does.

Every member text passes `check_member_texts` (fail closed: `risky` is refused, `review` holds the record for staff),
only members acting for a verified organisation (`ActingOrg`) write, and owners are told through `notify_org()` of
the notifications domain. The search index follows every write here by its ORM listeners (app.search.indexer).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import record
from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund
from app.boards.showcase.models import Achievement, Event
from app.boards.talent.models import Job
from app.contrib.models import EventRegistration, Interest, InterestTarget, RegistrationStatus
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
    JobCreate,
    JobUpdate,
    MyJob,
    RegistrationCreate,
    RegistrationPublic,
    SuggestedFund,
    SuggestedProduct,
)
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.listing import json_list_contains, public_reviewed
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.core.timeutil import today_cn
from app.members.models import Member
from app.moderation.service import Suggest, check_member_texts
from app.notifications.service import notify, notify_org
from app.orgs.models import Organization, OrgType
from app.staff.models import StaffUser
from app.staff.service import city_scope
from app.taxonomy.models import Industry

# ---------------------------------------------------------------- shared


def moderated(member: Member, *texts: str | None) -> Verification:
    """The content check's verdict as a review state: pass → verified (public), review → pending (held for staff).
    `risky` raises RiskyContent (422) before anything is written."""
    verdict = check_member_texts(member, *(t or "" for t in texts))
    return Verification.verified if verdict is Suggest.pass_ else Verification.pending


def require_org_type(org: Organization, allowed: Iterable[OrgType], what: str) -> None:
    if org.org_type not in {t.value for t in allowed}:
        raise Forbidden(f"当前机构类型不能{what}", code="org_type_not_allowed")


def owned(session: Session, model: Any, item_id: int, org: Organization) -> Any:
    row = session.exec(select(model).where(model.id == item_id, model.org_id == org.id)).first()
    if row is None:
        raise NotFound()
    return row


def _update_owned(
    session: Session,
    model: Any,
    row: Any,
    org: Organization,
    member: Member,
    values: dict[str, Any],
    text_fields: tuple[str, ...],
) -> Any:
    """An owner's edit: the texts as they will be after the edit are checked again, and the record goes back to
    review (or straight out, on `pass`). One UPDATE, with the ownership in its WHERE."""
    verification = moderated(member, *(values.get(f, getattr(row, f)) for f in text_fields))
    now = utcnow()
    extra: dict[str, Any] = {"verification": verification, "reject_reason": None, "updated_at": now}
    if verification is Verification.verified:
        extra["published_at"] = sa.func.coalesce(model.published_at, now)
    result = session.exec(sa.update(model).where(model.id == row.id, model.org_id == org.id).values(**values, **extra))
    if result.rowcount == 0:
        raise NotFound()
    session.refresh(row)
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=row.city_code,
        action=f"{model.__tablename__}.update",
        object_type=model.__tablename__,
        object_id=row.id,
        detail={"verification": verification.value},
    )
    return row


def _created(session: Session, member: Member, row: Any) -> Any:
    session.add(row)
    session.flush()
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=row.city_code,
        action=f"{type(row).__tablename__}.create",
        object_type=type(row).__tablename__,
        object_id=row.id,
        detail={"verification": row.verification},
    )
    return row


def set_own_publication(
    session: Session, member: Member, org: Organization, model: Any, item_id: int, publish: bool
) -> Any:
    """下架 / 重新上架 by the owner: one conditional UPDATE with the ownership and the other state in its WHERE. The
    review state is left alone: a record waiting for staff stays out until approved. The search index follows by
    its listener on the statement, as for every other ORM write."""
    row = owned(session, model, item_id, org)
    target = Publication.published if publish else Publication.unpublished
    result = session.exec(
        sa.update(model)
        .where(model.id == item_id, model.org_id == org.id, model.publication != target)
        .values(publication=target, updated_at=utcnow())
    )
    if result.rowcount == 0:
        if publish:
            raise Conflict("该内容已在展示中", code="already_published")
        raise Conflict("该内容已下架", code="already_unpublished")
    session.refresh(row)
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=row.city_code,
        action=f"{model.__tablename__}.{'publish' if publish else 'unpublish'}",
        object_type=model.__tablename__,
        object_id=row.id,
    )
    return row


def check_industry(session: Session, code: str | None, tags: list[str] | None = None) -> None:
    """The main industry and the industry tags must be codes of the industry dictionary."""
    checks = [("industry_code", code)] if code else []
    for field, value in [*checks, *(("industries", t) for t in tags or [])]:
        if session.get(Industry, value) is None:
            detail = [{"field": field, "message": "不存在", "type": "unknown_industry"}]
            raise Invalid("行业代码不存在", code="unknown_industry", detail=detail)


def _member_record(org: Organization, verification: Verification, **fields: Any) -> dict[str, Any]:
    now = utcnow()
    return {
        "city_code": org.city_code,
        "source": RecordSource.member,
        "org_id": org.id,
        "publication": Publication.published,
        "verification": verification,
        "published_at": now if verification is Verification.verified else None,
        **fields,
    }


def mine(session: Session, model: Any, org: Organization) -> list[Any]:
    """The records an organisation posted, newest first, whatever their review state."""
    return list(
        session.exec(select(model).where(model.org_id == org.id).order_by(col(model.id).desc()).limit(200)).all()
    )


# ---------------------------------------------------------------- events


def _scoped_event(session: Session, staff: StaffUser, event_id: int) -> Event:
    city = city_scope(staff)
    stmt = select(Event).where(Event.id == event_id)
    if city:
        stmt = stmt.where(Event.city_code == city)
    event = session.exec(stmt).first()
    if event is None:
        raise NotFound()
    return event


def create_event(session: Session, staff: StaffUser, body: EventCreate) -> Event:
    """Staff publish an event; staff text needs no content check (staff are the reviewers)."""
    city = city_scope(staff)
    if city and body.city_code and body.city_code.value != city:
        raise Forbidden("只能发布本市的活动", code="city_forbidden")
    city_code = city or (body.city_code.value if body.city_code else None)
    if city_code is None:
        raise Invalid("请指定活动所在城市", code="city_required")
    now = utcnow()
    event = Event(
        **body.model_dump(exclude={"city_code"}),
        city_code=city_code,
        source=RecordSource.staff,
        publication=Publication.published,
        verification=Verification.verified,
        published_at=now,
    )
    session.add(event)
    session.flush()
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=city_code,
        action="event.create",
        object_type="event",
        object_id=event.id,
    )
    return event


def update_event(session: Session, staff: StaffUser, event_id: int, body: EventUpdate) -> Event:
    event = _scoped_event(session, staff, event_id)
    values = body.model_dump(exclude_unset=True)
    # An explicit null clears only what may be empty (end time, deadline, capacity = unlimited).
    nullable = ("ends_at", "registration_deadline", "capacity")
    values = {k: v for k, v in values.items() if v is not None or k in nullable}
    if not values:
        return event
    starts = values.get("starts_at", event.starts_at)
    ends = values.get("ends_at", event.ends_at)
    if ends is not None and ends < starts:
        raise Invalid("结束时间不能早于开始时间", code="bad_times")
    conds: list[Any] = [col(Event.id) == event.id]
    if values.get("capacity") is not None:
        # Never below the registrations already taken, checked in the same statement that changes it.
        conds.append(col(Event.registered_count) <= values["capacity"])
    result = session.exec(sa.update(Event).where(*conds).values(**values, updated_at=utcnow()))
    if result.rowcount == 0:
        raise Conflict("名额不能少于已报名人数", code="capacity_below_registered")
    session.refresh(event)
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=event.city_code,
        action="event.update",
        object_type="event",
        object_id=event.id,
        detail={"fields": sorted(values)},
    )
    return event


def _registration_public(reg: EventRegistration, event: Event) -> RegistrationPublic:
    return RegistrationPublic.model_validate(
        {**reg.model_dump(), "event_title": event.title, "starts_at": event.starts_at}
    )


def register(
    session: Session, member: Member, org: Organization, event_id: int, body: RegistrationCreate
) -> RegistrationPublic:
    """Takes one place: ONE conditional UPDATE of the counter (open, before the deadline, below capacity), so
    that concurrent registrations can never exceed the capacity; then the member's registration row."""
    event = session.exec(select(Event).where(col(Event.id) == event_id, *public_reviewed(Event))).first()
    if event is None:
        raise NotFound()
    existing = session.exec(
        select(EventRegistration).where(
            EventRegistration.event_id == event_id, EventRegistration.member_id == member.id
        )
    ).first()
    if existing is not None and existing.status == RegistrationStatus.registered:
        raise Conflict("您已报名该活动", code="already_registered")
    now = utcnow()
    taken = session.exec(
        sa.update(Event)
        .where(
            col(Event.id) == event_id,
            *public_reviewed(Event),
            col(Event.starts_at) > now,
            sa.or_(col(Event.registration_deadline).is_(None), col(Event.registration_deadline) >= today_cn()),
            sa.or_(col(Event.capacity).is_(None), col(Event.registered_count) < col(Event.capacity)),
        )
        .values(registered_count=Event.registered_count + 1)
    )
    if taken.rowcount == 0:
        deadline = event.registration_deadline
        if event.starts_at <= now or (deadline is not None and deadline < today_cn()):
            raise Conflict("报名已截止", code="registration_closed")
        raise Conflict("名额已满", code="event_full")
    fields = {
        "org_id": org.id,
        "org_name": org.name,
        "contact_name": body.contact_name,
        "contact_phone": body.contact_phone,
        "status": RegistrationStatus.registered,
        "updated_at": now,
    }
    if existing is not None:
        again = session.exec(
            sa.update(EventRegistration)
            .where(
                col(EventRegistration.id) == existing.id, col(EventRegistration.status) == RegistrationStatus.cancelled
            )
            .values(**fields)
        )
        if again.rowcount == 0:
            raise Conflict("您已报名该活动", code="already_registered")
        session.refresh(existing)
        reg = existing
    else:
        reg = EventRegistration(event_id=event_id, member_id=member.id, **fields)  # type: ignore[arg-type]
        try:
            with session.begin_nested():
                session.add(reg)
        except IntegrityError:
            raise Conflict("您已报名该活动", code="already_registered") from None
    session.refresh(event)
    notify(session, member.id, "event.registered", f"报名成功：{event.title}", link=f"event:{event.id}")  # type: ignore[arg-type]
    return _registration_public(reg, event)


def cancel_registration(session: Session, member: Member, event_id: int) -> None:
    """Gives the place back: the registration row and the counter, each one conditional UPDATE."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound()
    if event.starts_at <= utcnow():
        raise Conflict("活动已开始，无法取消报名", code="event_started")
    result = session.exec(
        sa.update(EventRegistration)
        .where(
            col(EventRegistration.event_id) == event_id,
            col(EventRegistration.member_id) == member.id,
            col(EventRegistration.status) == RegistrationStatus.registered,
        )
        .values(status=RegistrationStatus.cancelled, updated_at=utcnow())
    )
    if result.rowcount == 0:
        raise NotFound("您没有报名该活动", code="registration_not_found")
    session.exec(
        sa.update(Event)
        .where(col(Event.id) == event_id, col(Event.registered_count) > 0)
        .values(registered_count=Event.registered_count - 1)
    )


def my_registrations(session: Session, member: Member) -> list[RegistrationPublic]:
    rows = session.exec(
        select(EventRegistration, Event)
        .join(Event, col(Event.id) == col(EventRegistration.event_id))
        .where(EventRegistration.member_id == member.id)
        .order_by(col(Event.starts_at).desc(), col(EventRegistration.id).desc())
        .limit(200)
    ).all()
    return [_registration_public(reg, event) for reg, event in rows]


def event_registrations(session: Session, staff: StaffUser, event_id: int) -> tuple[Event, list[EventRegistration]]:
    event = _scoped_event(session, staff, event_id)
    rows = session.exec(
        select(EventRegistration)
        .where(EventRegistration.event_id == event_id, EventRegistration.status == RegistrationStatus.registered)
        .order_by(col(EventRegistration.id))
    ).all()
    return event, list(rows)


REGISTRATION_HEADERS = ("序号", "单位", "姓名", "电话", "报名时间（北京时间）")


def registrations_workbook(event: Event, rows: list[EventRegistration]) -> bytes:
    """The organiser's list of registrations as an .xlsx file."""
    from openpyxl import Workbook  # imported here: it would weigh on every worker's start-up

    from app.core.timeutil import CHINA

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "报名名单"
    ws.append([f"{event.title}（名额 {event.capacity or '不限'}，已报名 {len(rows)}）"])
    ws.append(list(REGISTRATION_HEADERS))
    for i, reg in enumerate(rows, 1):
        ws.append(
            [
                i,
                reg.org_name,
                reg.contact_name,
                reg.contact_phone,
                reg.created_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    for column, width in zip("ABCDE", (6, 36, 14, 16, 20), strict=True):
        ws.column_dimensions[column].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- achievements

ACHIEVEMENT_ORGS = (OrgType.university, OrgType.institute, OrgType.enterprise)
ACHIEVEMENT_TEXTS = ("title", "description", "contact_name")


def create_achievement(session: Session, member: Member, org: Organization, body: AchievementCreate) -> Achievement:
    require_org_type(org, ACHIEVEMENT_ORGS, "发布科技成果（限高校、科研院所、企业）")
    check_industry(session, body.industry_code, body.industries)
    media = [m.model_dump() for m in body.media]
    verification = moderated(member, body.title, body.description, body.contact_name, *(m["title"] for m in media))
    data = body.model_dump(exclude={"media", "transfer_modes"})
    row = Achievement(
        **_member_record(org, verification, owner_name=org.name, **data),
        transfer_modes=[t.value for t in body.transfer_modes],
        media=media,
    )
    return _created(session, member, row)


def update_achievement(
    session: Session, member: Member, org: Organization, achievement_id: int, body: AchievementUpdate
) -> Achievement:
    row = owned(session, Achievement, achievement_id, org)
    values = body.model_dump(exclude_unset=True, exclude={"price_negotiable"})
    if "transfer_modes" in values and values["transfer_modes"] is not None:
        values["transfer_modes"] = [t.value for t in body.transfer_modes or []]
    if body.price_negotiable:
        values["price_wan_yuan"] = None
    values = {k: v for k, v in values.items() if v is not None or k == "price_wan_yuan"}
    return _update_owned(session, Achievement, row, org, member, values, ACHIEVEMENT_TEXTS)


# ---------------------------------------------------------------- financing needs

FINANCING_TEXTS = ("title", "use_of_funds", "description", "contact_name")
INVESTOR_ORGS = (OrgType.investor, OrgType.service)


def create_financing_need(
    session: Session, member: Member, org: Organization, body: FinancingNeedCreate
) -> FinancingNeed:
    require_org_type(org, (OrgType.enterprise,), "发布融资需求（限企业）")
    check_industry(session, body.industry_code, body.industries)
    verification = moderated(member, *(getattr(body, f) for f in FINANCING_TEXTS))
    data = body.model_dump(exclude={"stage"})
    row = FinancingNeed(**_member_record(org, verification, org_name=org.name, stage=body.stage.value, **data))
    return _created(session, member, row)


def update_financing_need(
    session: Session, member: Member, org: Organization, need_id: int, body: FinancingNeedUpdate
) -> FinancingNeed:
    row = owned(session, FinancingNeed, need_id, org)
    values = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    check_industry(session, values.get("industry_code"))
    return _update_owned(session, FinancingNeed, row, org, member, values, FINANCING_TEXTS)


def _industry_match(model: Any, industry: str | None) -> Any:
    if not industry:
        return sa.literal(False)
    return sa.or_(model.industry_code == industry, json_list_contains(model.industries, industry))


SUGGESTION_LIMIT = 5


def suggestions(session: Session, need: FinancingNeed) -> FinancingSuggestions:
    """Funds that invest at the need's stage and loan products whose ceiling covers the amount (or has none); those
    of the need's industry first, then those of its city, then the newest. A plain deterministic rule that the
    search issue's matching can replace."""
    fund_match = _industry_match(Fund, need.industry_code).label("industry_match")
    funds = session.exec(
        select(Fund, fund_match)
        .where(*public_reviewed(Fund), json_list_contains(Fund.stages, need.stage))
        .order_by(
            sa.case((fund_match, 0), else_=1),
            sa.case((col(Fund.city_code) == need.city_code, 0), else_=1),
            col(Fund.id).desc(),
        )
        .limit(SUGGESTION_LIMIT)
    ).all()
    product_match = _industry_match(FinancialProduct, need.industry_code).label("industry_match")
    amount_ok = (
        sa.or_(
            col(FinancialProduct.amount_max_wan_yuan).is_(None),
            col(FinancialProduct.amount_max_wan_yuan) >= need.amount_wan_yuan,
        )
        if need.amount_wan_yuan is not None
        else sa.true()
    )
    products = session.exec(
        select(FinancialProduct, product_match)
        .where(*public_reviewed(FinancialProduct), amount_ok, col(FinancialProduct.product_type) != "insurance")
        .order_by(
            sa.case((product_match, 0), else_=1),
            sa.case((col(FinancialProduct.city_code) == need.city_code, 0), else_=1),
            col(FinancialProduct.id).desc(),
        )
        .limit(SUGGESTION_LIMIT)
    ).all()
    return FinancingSuggestions(
        funds=[SuggestedFund.model_validate({**f.model_dump(), "industry_match": bool(m)}) for f, m in funds],
        products=[SuggestedProduct.model_validate({**p.model_dump(), "industry_match": bool(m)}) for p, m in products],
    )


# ---------------------------------------------------------------- interests

_INTEREST_MODELS: dict[InterestTarget, Any] = {
    InterestTarget.achievement: Achievement,
    InterestTarget.financing_need: FinancingNeed,
}
_INTEREST_WORDS = {InterestTarget.achievement: "科技成果", InterestTarget.financing_need: "融资需求"}


def interest_notice(session: Session, interest: Interest) -> None:
    """Tells the owner's members: the asker's organisation, the message, the phone only when the asker shared it."""
    word = _INTEREST_WORDS[InterestTarget(interest.target_type)]
    body = f"{interest.org_name} 对您发布的{word}《{interest.target_title}》感兴趣。"
    if interest.message:
        body += f"留言：{interest.message}。"
    if interest.share_phone and interest.contact_phone:
        body += f"联系电话：{interest.contact_phone}。"
    notify_org(
        session,
        interest.owner_org_id,
        f"{interest.target_type}.interest",
        f"有机构对您的{word}感兴趣",
        body,
        f"{interest.target_type}:{interest.target_id}",
    )


def express_interest(
    session: Session,
    member: Member,
    org: Organization,
    target_type: InterestTarget,
    target_id: int,
    body: InterestCreate,
) -> Interest:
    model = _INTEREST_MODELS[target_type]
    target = session.exec(select(model).where(model.id == target_id, *public_reviewed(model))).first()
    if target is None:
        raise NotFound()
    if target_type is InterestTarget.financing_need:
        require_org_type(org, INVESTOR_ORGS, "表达投资意向（限投资机构、服务机构）")
    if target.org_id == org.id:
        raise Conflict("不能对本机构发布的内容表示感兴趣", code="own_record")
    if target.org_id is None:
        raise Conflict("该条目由城市或平台发布，请通过页面上的联系方式联系", code="owner_not_on_platform")
    phone = (body.contact_phone or member.phone) if body.share_phone else ""
    if body.share_phone and not phone:
        raise Invalid("请填写要提供给对方的联系电话", code="phone_required")
    already = session.exec(
        select(Interest.id).where(
            Interest.target_type == target_type.value, Interest.target_id == target_id, Interest.org_id == org.id
        )
    ).first()
    if already is not None:
        raise Conflict("贵机构已表达过兴趣", code="already_interested")
    verification = moderated(member, body.message)
    interest = Interest(
        target_type=target_type.value,
        target_id=target_id,
        target_title=target.title,
        city_code=target.city_code,
        owner_org_id=target.org_id,
        member_id=member.id,  # type: ignore[arg-type]
        org_id=org.id,  # type: ignore[arg-type]
        org_name=org.name,
        message=body.message,
        share_phone=body.share_phone,
        contact_phone=phone,
        verification=verification,
    )
    try:
        with session.begin_nested():
            session.add(interest)
    except IntegrityError:
        raise Conflict("贵机构已表达过兴趣", code="already_interested") from None
    if verification is Verification.verified:
        interest_notice(session, interest)
    return interest


def interests_for(session: Session, org: Organization, target_type: InterestTarget, target_id: int) -> list[Any]:
    """The interests in one of the organisation's own records that passed the content check or review."""
    owned(session, _INTEREST_MODELS[target_type], target_id, org)
    rows = session.exec(
        select(Interest)
        .where(
            Interest.target_type == target_type.value,
            Interest.target_id == target_id,
            Interest.owner_org_id == org.id,
            Interest.verification == Verification.verified,
        )
        .order_by(col(Interest.id).desc())
    ).all()
    return [
        InterestPublic.model_validate({**i.model_dump(), "contact_phone": i.contact_phone if i.share_phone else None})
        for i in rows
    ]


def interests_sent(session: Session, member: Member) -> list[Interest]:
    return list(
        session.exec(
            select(Interest).where(Interest.member_id == member.id).order_by(col(Interest.id).desc()).limit(200)
        ).all()
    )


# ---------------------------------------------------------------- jobs

JOB_TEXTS = ("title", "description", "education", "experience", "contact_name")


def _check_closing(closing: date | None) -> None:
    if closing is not None and closing < today_cn():
        raise Invalid("截止日期不能早于今天", code="closing_date_past")


def create_job(session: Session, member: Member, org: Organization, body: JobCreate) -> Job:
    _check_closing(body.closing_date)
    check_industry(session, body.industry_code, body.industries)
    verification = moderated(member, *(getattr(body, f) for f in JOB_TEXTS))
    row = Job(**_member_record(org, verification, org_name=org.name, **body.model_dump()))
    return _created(session, member, row)


def update_job(session: Session, member: Member, org: Organization, job_id: int, body: JobUpdate) -> Job:
    row = owned(session, Job, job_id, org)
    values = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    _check_closing(values.get("closing_date"))
    lo, hi = values.get("salary_min_k", row.salary_min_k), values.get("salary_max_k", row.salary_max_k)
    if lo is not None and hi is not None and hi < lo:
        raise Invalid("月薪上限不能低于下限", code="bad_salary")
    return _update_owned(session, Job, row, org, member, values, JOB_TEXTS)


def my_job(job: Job) -> MyJob:
    """A job is open until its closing date has passed: worked out when read, no job flips a flag."""
    is_open = job.closing_date is None or job.closing_date >= today_cn()
    return MyJob.model_validate({**job.model_dump(), "open": is_open})
