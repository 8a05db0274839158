"""Rules of the 揭榜挂帅 market, shared by the member API, the staff API and the back office.

Every state change is ONE conditional UPDATE (`… WHERE status IN (:allowed)`) whose row count decides; when it is 0
the row is read only to choose the answer (404 when it is not the caller's, 409 with the state machine's code
otherwise). Services never commit: the endpoint does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.audit.service import record
from app.core.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from app.core.listing import json_list_mentions, page_of, page_out_of_range, summary_columns, text_contains
from app.core.models import RecordSource, utcnow
from app.demands import state
from app.demands.models import (
    PUBLIC_DEMAND_STATUSES,
    ApplicationStatus,
    ContentVerdict,
    Demand,
    DemandApplication,
    DemandStatus,
)
from app.demands.schemas import (
    ApplicationCreate,
    CompleteBody,
    DemandCreate,
    DemandQuery,
    DemandSort,
    DemandSummary,
    DemandUpdate,
    ReviewDecision,
)
from app.demands.state import ApplicationAction, DemandAction
from app.members.models import Member
from app.moderation.service import RiskyContent, Suggest, check_member_texts
from app.notifications.service import notify_org, org_member_ids
from app.orgs.models import Organization
from app.staff.models import StaffUser
from app.staff.service import city_scope
from app.taxonomy.models import Chain, ChainNode, Industry

log = logging.getLogger(__name__)

D = Demand
A = DemandApplication


# ---------------------------------------------------------------- helpers


@contextmanager
def atomic(session: Session) -> Iterator[None]:
    """A savepoint: a failure inside rolls back only what was written inside, whatever the caller does next."""
    with session.begin_nested():
        yield


def _in(column: Any, values: Iterable[str]) -> Any:
    return col(column).in_([str(v) for v in values])


def is_due(now: datetime) -> Any:
    """SQL: a published demand whose deadline has passed (effectively closed)."""
    return sa.and_(col(D.status) == DemandStatus.published, col(D.deadline).is_not(None), col(D.deadline) <= now)


def is_open(now: datetime) -> Any:
    """SQL: a published demand that still accepts applications."""
    return sa.and_(col(D.status) == DemandStatus.published, sa.or_(col(D.deadline).is_(None), col(D.deadline) > now))


def effective_status_sql(now: datetime) -> Any:
    return sa.case((is_due(now), DemandStatus.closed.value), else_=col(D.status))


def status_is(st: DemandStatus, now: datetime) -> Any:
    """SQL for "the status a reader sees is `st`" (the deadline closes published demands by itself)."""
    if st is DemandStatus.published:
        return is_open(now)
    if st is DemandStatus.closed:
        return sa.or_(col(D.status) == DemandStatus.closed, is_due(now))
    return col(D.status) == st


def effective(demand: Demand, now: datetime | None = None) -> DemandStatus:
    return state.effective_status(demand.status, demand.deadline, now or utcnow())


def check_texts(member: Member, *texts: str) -> ContentVerdict:
    """The content check, failing closed: risky → 422; review, or WeChat not answering → held for staff."""
    try:
        verdict = check_member_texts(member, *texts)
    except RiskyContent:
        raise
    except AppError as exc:
        if exc.status_code == 422:
            raise
        log.warning("content check unavailable (%s): held for review", exc.code)
        return ContentVerdict.unavailable
    except Exception:
        log.warning("content check failed: held for review", exc_info=True)
        return ContentVerdict.unavailable
    return ContentVerdict.pass_ if verdict is Suggest.pass_ else ContentVerdict.review


def _audit_member(
    session: Session, member: Member, action: str, obj: str, obj_id: Any, city: str | None, **detail: Any
) -> None:
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=city,
        action=action,
        object_type=obj,
        object_id=obj_id,
        detail=detail,
    )


def _audit_staff(
    session: Session, staff: StaffUser, action: str, obj: str, obj_id: Any, city: str | None, **detail: Any
) -> None:
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=city,
        action=action,
        object_type=obj,
        object_id=obj_id,
        detail=detail,
    )


def _link(demand_id: int | None) -> str:
    return f"demand:{demand_id}"


# ---------------------------------------------------------------- deadline


def close_due(session: Session, now: datetime | None = None, demand_id: int | None = None) -> list[int]:
    """Stores `closed` on published demands whose deadline has passed (one conditional UPDATE) and tells the posters.

    No cron: every write to a demand calls it first; reads compute the same status in SQL (`status_is`).
    """
    now = now or utcnow()
    conds = [is_due(now)]
    if demand_id is not None:
        conds.append(col(D.id) == demand_id)
    rows = session.execute(
        sa.update(D)
        .where(*conds)
        .values(status=DemandStatus.closed, closed_at=D.deadline, updated_at=now)
        .returning(col(D.id), col(D.org_id), col(D.title), col(D.application_count))
    ).all()
    for row in rows:
        _lifecycle(session, row.id, DemandStatus.closed)
        notify_org(
            session,
            row.org_id,
            "demand_closed",
            f"榜单已截止：{row.title}",
            f"共收到 {row.application_count} 份揭榜申请，请尽快确定揭榜方。",
            _link(row.id),
        )
    return [r.id for r in rows]


# ---------------------------------------------------------------- demands: member side


def _check_codes(session: Session, values: dict[str, Any]) -> None:
    # A form sends "" for a code it left empty: that is "none chosen", never a code (it would break the foreign key).
    for field in ("industry_code", "chain_code", "chain_node_code"):
        if field in values and not (values[field] or "").strip():
            values[field] = None
    errors = []
    if values.get("industry_code") and session.get(Industry, values["industry_code"]) is None:
        errors.append({"field": "industry_code", "message": "行业不存在", "type": "unknown_code"})
    if values.get("chain_code") and session.get(Chain, values["chain_code"]) is None:
        errors.append({"field": "chain_code", "message": "产业链不存在", "type": "unknown_code"})
    node_code = values.get("chain_node_code")
    if node_code:
        node = session.get(ChainNode, node_code)
        if node is None:
            errors.append({"field": "chain_node_code", "message": "产业链环节不存在", "type": "unknown_code"})
        elif values.get("chain_code") and node.chain_code != values["chain_code"]:
            errors.append({"field": "chain_node_code", "message": "环节不属于所选产业链", "type": "unknown_code"})
    if errors:
        raise Invalid(f"{errors[0]['field']}：{errors[0]['message']}", code="validation_error", detail=errors)


def _industries(values: dict[str, Any]) -> None:
    if "industry_code" in values:
        values["industries"] = [values["industry_code"]] if values["industry_code"] else []


def create_draft(session: Session, member: Member, org: Organization, body: DemandCreate) -> Demand:
    values = body.values()
    _check_codes(session, values)
    _industries(values)
    values.pop("title", None)
    demand = Demand(
        title=body.title,
        demand_type=values.pop("demand_type", None) or "",
        status=DemandStatus.draft,
        city_code=org.city_code,
        source=RecordSource.member,
        org_id=org.id,
        org_name=org.name,
        poster_member_id=member.id,
        **values,
    )
    session.add(demand)
    session.flush()
    _audit_member(session, member, "demand.create", "demand", demand.id, demand.city_code)
    return demand


def owned_demand(session: Session, org: Organization, demand_id: int) -> Demand:
    """The demand if the acting organisation posted it; 404 for anyone else (existence is not revealed)."""
    demand = session.exec(select(D).where(col(D.id) == demand_id, col(D.org_id) == org.id)).first()
    if demand is None:
        raise NotFound("榜单不存在", code="demand_not_found")
    return demand


def _fail(session: Session, org: Organization, demand_id: int, action: DemandAction) -> AppError:
    """Why a conditional UPDATE changed nothing: not the caller's (404) or not in a state that allows it (409)."""
    demand = owned_demand(session, org, demand_id)
    session.refresh(demand)
    return state.illegal(action, demand.status, demand.deadline, utcnow())


def update_draft(session: Session, member: Member, org: Organization, demand_id: int, body: DemandUpdate) -> Demand:
    values = body.values()
    _check_codes(session, values)
    _industries(values)
    now = utcnow()
    result = session.exec(
        sa.update(D)
        .where(col(D.id) == demand_id, col(D.org_id) == org.id, _in(D.status, state.sources(DemandAction.edit)))
        .values(**values, updated_at=now)
    )
    if result.rowcount == 0:
        raise _fail(session, org, demand_id, DemandAction.edit)
    demand = owned_demand(session, org, demand_id)
    session.refresh(demand)
    _audit_member(session, member, "demand.update", "demand", demand_id, demand.city_code, fields=sorted(values))
    return demand


def _missing_fields(demand: Demand, now: datetime) -> list[dict[str, str]]:
    missing = []

    def need(field: str, ok: bool, message: str) -> None:
        if not ok:
            missing.append({"field": field, "message": message, "type": "required_to_submit"})

    need("demand_type", bool(demand.demand_type), "请选择榜单类型")
    need("industry_code", bool(demand.industry_code), "请选择行业")
    need("description", len(demand.description.strip()) >= 10, "需求描述至少 10 个字")
    need("tech_targets", bool(demand.tech_targets.strip()), "请填写技术指标")
    need("expected_result", bool(demand.expected_result.strip()), "请填写预期成果")
    need(
        "reward_wan_yuan",
        (demand.reward_wan_yuan is not None) != bool(demand.reward_negotiable),
        "请填写榜额，或选择面议（二选一）",
    )
    need("deadline", demand.deadline is not None and demand.deadline > now, "截止时间须晚于现在")
    need("period_months", demand.period_months is not None, "请填写实施周期")
    need("contact_name", bool(demand.contact_name.strip()), "请填写联系人")
    need("contact_phone", bool(demand.contact_phone.strip()), "请填写联系电话")
    return missing


def demand_texts(demand: Demand) -> list[str]:
    return [
        demand.title,
        " ".join(demand.keywords),
        demand.description,
        demand.tech_targets,
        demand.expected_result,
        demand.eligibility,
        demand.contact_name,
        " ".join(a.get("name", "") for a in demand.attachments),
    ]


def submit(
    session: Session, member: Member, org: Organization, demand_id: int, reader: Session | None = None
) -> Demand:
    """Draft or rejected → pending_review, after the content check (risky → 422; the rest waits for staff).

    `reader` (a read session) loads the texts, so that the write transaction does not wait on WeChat; the UPDATE
    then requires the row to be unchanged since (updated_at), so the texts checked are the texts submitted.
    """
    now = utcnow()
    demand = owned_demand(reader or session, org, demand_id)
    if not state.can(DemandAction.submit, demand.status):
        raise state.illegal(DemandAction.submit, demand.status, demand.deadline, now)
    missing = _missing_fields(demand, now)
    if missing:
        message = f"尚有 {len(missing)} 项未填写完整：{missing[0]['message']}"
        raise Invalid(message, code="demand_incomplete", detail=missing)
    texts, seen_at = demand_texts(demand), demand.updated_at
    if reader is not None and reader is not session:
        reader.rollback()  # nothing was written: this only hands the read connection back before the check
    verdict = check_texts(member, *texts)
    result = session.exec(
        sa.update(D)
        .where(
            col(D.id) == demand_id,
            col(D.org_id) == org.id,
            _in(D.status, state.sources(DemandAction.submit)),
            col(D.updated_at) == seen_at,
        )
        .values(status=DemandStatus.pending_review, content_verdict=verdict, submitted_at=now, updated_at=now)
    )
    if result.rowcount == 0:
        raise _fail(session, org, demand_id, DemandAction.submit)
    demand = owned_demand(session, org, demand_id)
    session.refresh(demand)
    _audit_member(session, member, "demand.submit", "demand", demand_id, demand.city_code, verdict=verdict.value)
    return demand


def withdraw(session: Session, member: Member, org: Organization, demand_id: int) -> Demand:
    now = utcnow()
    result = session.exec(
        sa.update(D)
        .where(col(D.id) == demand_id, col(D.org_id) == org.id, _in(D.status, state.sources(DemandAction.withdraw)))
        .values(status=DemandStatus.withdrawn, withdrawn_at=now, updated_at=now)
    )
    if result.rowcount == 0:
        raise _fail(session, org, demand_id, DemandAction.withdraw)
    demand = owned_demand(session, org, demand_id)
    session.refresh(demand)
    live = [ApplicationStatus.submitted, ApplicationStatus.shortlisted]
    for app_org in session.exec(select(A.org_id).where(col(A.demand_id) == demand_id, _in(A.status, live))).all():
        notify_org(
            session,
            app_org,
            "demand_withdrawn",
            f"榜单已撤回：{demand.title}",
            "发榜方已撤回该榜单。",
            _link(demand_id),
        )
    _audit_member(session, member, "demand.withdraw", "demand", demand_id, demand.city_code)
    _lifecycle(session, demand_id, DemandStatus.withdrawn)
    return demand


def award(session: Session, member: Member, org: Organization, demand_id: int, application_ids: list[int]) -> Demand:
    """published/closed → awarded (已签约/攻关中): chosen applications → selected, other live ones → not_selected.

    All or nothing: when one chosen application is no longer selectable (withdrawn meanwhile), nothing changes.
    """
    now = utcnow()
    with atomic(session):
        result = session.exec(
            sa.update(D)
            .where(col(D.id) == demand_id, col(D.org_id) == org.id, _in(D.status, state.sources(DemandAction.award)))
            .values(
                status=DemandStatus.awarded,
                awarded_at=now,
                closed_at=sa.func.coalesce(D.closed_at, now),
                updated_at=now,
            )
        )
        if result.rowcount == 0:
            raise _fail(session, org, demand_id, DemandAction.award)
        chosen = session.exec(
            sa.update(A)
            .where(
                col(A.id).in_(application_ids),
                col(A.demand_id) == demand_id,
                _in(A.status, state.app_sources(ApplicationAction.select)),
            )
            .values(status=ApplicationStatus.selected, decided_at=now, updated_at=now)
        )
        if chosen.rowcount != len(application_ids):
            raise Conflict(
                "所选揭榜申请已撤回或不属于本榜单",
                code="application_not_selectable",
                detail={"application_ids": application_ids},
            )
        declined_orgs = session.execute(
            sa.update(A)
            .where(
                col(A.demand_id) == demand_id,
                col(A.id).not_in(application_ids),
                _in(A.status, state.app_sources(ApplicationAction.decline)),
            )
            .values(status=ApplicationStatus.not_selected, decided_at=now, updated_at=now)
            .returning(col(A.org_id))
        ).all()
    demand = owned_demand(session, org, demand_id)
    session.refresh(demand)
    for app_org in session.exec(select(A.org_id).where(col(A.id).in_(application_ids))).all():
        notify_org(
            session,
            app_org,
            "application_selected",
            f"揭榜成功：{demand.title}",
            "发榜方已选定贵单位，请与发榜方签约并开展攻关。",
            _link(demand_id),
        )
    for row in declined_orgs:
        notify_org(
            session,
            row.org_id,
            "application_not_selected",
            f"未入选：{demand.title}",
            "感谢参与，本次揭榜未入选。",
            _link(demand_id),
        )
    _audit_member(
        session, member, "demand.award", "demand", demand_id, demand.city_code, application_ids=application_ids
    )
    _lifecycle(session, demand_id, demand.status)
    return demand


def complete(session: Session, member: Member, org: Organization, demand_id: int, body: CompleteBody) -> Demand:
    """awarded → completed, with the 验收 record written in the same UPDATE."""
    now = utcnow()
    documents = [d.as_dict() for d in body.documents]
    verdict = check_texts(member, body.notes, " ".join(d["name"] for d in documents))
    owned_demand(session, org, demand_id)
    result = session.exec(
        sa.update(D)
        .where(col(D.id) == demand_id, col(D.org_id) == org.id, _in(D.status, state.sources(DemandAction.complete)))
        .values(
            status=DemandStatus.completed,
            completed_at=now,
            updated_at=now,
            acceptance_date=body.accepted_on,
            acceptance_result=body.result.value,
            acceptance_notes=body.notes,
            acceptance_documents=documents,
            acceptance_verdict=verdict,
        )
    )
    if result.rowcount == 0:
        raise _fail(session, org, demand_id, DemandAction.complete)
    demand = owned_demand(session, org, demand_id)
    session.refresh(demand)
    for app_org in session.exec(
        select(A.org_id).where(col(A.demand_id) == demand_id, col(A.status) == ApplicationStatus.selected)
    ).all():
        notify_org(
            session, app_org, "demand_completed", f"榜单已验收：{demand.title}", "发榜方已完成验收。", _link(demand_id)
        )
    _audit_member(session, member, "demand.complete", "demand", demand_id, demand.city_code, result=body.result.value)
    _lifecycle(session, demand_id, DemandStatus.completed)
    return demand


def my_demands(
    session: Session, org: Organization, status: DemandStatus | None, page: int, page_size: int
) -> tuple[list[Demand], int]:
    now = utcnow()
    conds = [col(D.org_id) == org.id]
    if status is not None:
        conds.append(status_is(status, now))
    return _page(session, select(D).where(*conds), [col(D.updated_at).desc(), col(D.id).desc()], page, page_size)


def _page(session: Session, stmt: Any, order: list[Any], page: int, page_size: int) -> tuple[list[Any], int]:
    total = int(session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one())
    offset = (page - 1) * page_size
    if page > 1 and offset >= total:
        raise page_out_of_range(total)
    rows = list(session.exec(stmt.order_by(*order).offset(offset).limit(page_size)).all())
    return rows, total


# ---------------------------------------------------------------- demands: public


def list_public(session: Session, q: DemandQuery, convert: Callable[[sa.Row[Any]], Any]) -> dict[str, Any]:
    """The public board of demands: cursor (infinite scroll) or page, the total counted up to `COUNT_CAP` like every
    other board's list (an exact count of 140,000 demands cost more than the page)."""
    now = utcnow()
    conds: list[Any] = [_in(D.status, PUBLIC_DEMAND_STATUSES)]
    if q.city:
        conds.append(col(D.city_code) == q.city.value)
    if q.industry:
        conds.append(col(D.industry_code) == q.industry)
    if q.status:
        conds.append(status_is(DemandStatus(q.status.value), now))
    if q.demand_type:
        conds.append(col(D.demand_type) == q.demand_type.value)
    if q.chain:
        conds.append(col(D.chain_code) == q.chain)
    if q.q:
        conds.append(
            sa.or_(text_contains(D.title, q.q), text_contains(D.description, q.q), json_list_mentions(D.keywords, q.q))
        )
    if q.sort is DemandSort.deadline:
        # Still open first, soonest deadline first; the rest after.
        order = [
            sa.case((is_open(now), 0), else_=1),
            sa.case((col(D.deadline).is_(None), 1), else_=0),
            col(D.deadline).asc(),
            col(D.id).desc(),
        ]
    elif q.sort is DemandSort.popular:
        order = [col(D.view_count).desc(), col(D.id).desc()]
    elif q.sort is DemandSort.reward:
        order = [
            sa.case((col(D.reward_wan_yuan).is_(None), 1), else_=0),
            col(D.reward_wan_yuan).desc(),
            col(D.id).desc(),
        ]
    else:
        order = [col(D.published_at).desc(), col(D.id).desc()]
    return page_of(session, D, conds, q, order, convert, summary_columns(D, DemandSummary))


def get_public(session: Session, demand_id: int) -> Demand:
    """A demand a visitor may see (one read; the view is counted by the caller, `app.core.views`)."""
    demand = session.exec(select(D).where(col(D.id) == demand_id, _in(D.status, PUBLIC_DEMAND_STATUSES))).first()
    if demand is None:
        raise NotFound("榜单不存在或未公开", code="demand_not_found")
    return demand


def is_due_now(demand: Demand, now: datetime) -> bool:
    """A demand the deadline has closed whose close is not stored yet."""
    return effective(demand, now) != demand.status


# ---------------------------------------------------------------- demands: staff


def _scope(staff: StaffUser) -> list[Any]:
    city = city_scope(staff)
    return [col(D.city_code) == city] if city else []


def staff_demand(session: Session, staff: StaffUser, demand_id: int) -> Demand:
    demand = session.exec(select(D).where(col(D.id) == demand_id, *_scope(staff))).first()
    if demand is None:
        raise NotFound("榜单不存在", code="demand_not_found")
    return demand


# Verdicts of the content check that leave the text for a person to read (the check said so, or did not answer).
HELD_VERDICTS = (ContentVerdict.review, ContentVerdict.unavailable)


def staff_list(
    session: Session,
    staff: StaffUser,
    status: DemandStatus | None,
    city: str | None,
    page: int,
    page_size: int,
    *,
    held_only: bool = False,
) -> tuple[list[Demand], int]:
    """The review queue (default: pending_review, oldest submission first; flagged texts first).

    `held_only`: only demands whose texts the content check held for a person to read."""
    now = utcnow()
    conds = _scope(staff)
    if city:
        conds.append(col(D.city_code) == city)
    if status is not None:
        conds.append(status_is(status, now))
    if held_only:
        conds.append(_in(D.content_verdict, HELD_VERDICTS))
    order = [
        sa.case((col(D.content_verdict) == ContentVerdict.pass_, 1), else_=0),
        col(D.submitted_at).asc(),
        col(D.id).asc(),
    ]
    return _page(session, select(D).where(*conds), order, page, page_size)


def approve(session: Session, staff: StaffUser, demand_id: int, ip: str = "") -> Demand:
    """pending_review → published (the deadline must still be ahead); the poster hears of it."""
    now = utcnow()
    result = session.exec(
        sa.update(D)
        .where(
            col(D.id) == demand_id,
            col(D.status) == DemandStatus.pending_review,
            sa.or_(col(D.deadline).is_(None), col(D.deadline) > now),
            *_scope(staff),
        )
        .values(
            status=DemandStatus.published,
            published_at=now,
            reviewed_at=now,
            reviewed_by=staff.id,
            reject_reason=None,
            updated_at=now,
        )
    )
    if result.rowcount == 0:
        demand = staff_demand(session, staff, demand_id)
        session.refresh(demand)
        if demand.status == DemandStatus.pending_review:
            raise Conflict("截止时间已过，请驳回后由发榜方修改截止时间", code="demand_deadline_passed")
        raise state.illegal(DemandAction.approve, demand.status, demand.deadline, now)
    demand = staff_demand(session, staff, demand_id)
    session.refresh(demand)
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=demand.city_code,
        action="demand.approve",
        object_type="demand",
        object_id=demand_id,
        ip=ip,
    )
    notify_org(
        session,
        demand.org_id,
        "demand_published",
        f"榜单已发布：{demand.title}",
        "审核通过，榜单已公开发布。",
        _link(demand_id),
    )
    _notify_subscribers(session, demand)
    _lifecycle(session, demand_id, demand.status)
    return demand


def _notify_subscribers(session: Session, demand: Demand) -> None:
    """Members subscribed to a matching keyword, industry or city hear of a newly published demand."""
    from app.my.service import notify_subscribers

    notify_subscribers(
        session,
        kind="demand",
        title=demand.title,
        city=demand.city_code,
        industry_ids=[demand.industry_code, *(demand.industries or [])],
        text=f"{demand.description or ''}\n{' '.join(demand.keywords or [])}",
        link=f"demand:{demand.id}",
        exclude_member_ids=org_member_ids(session, demand.org_id),
    )


def _lifecycle(session: Session, demand_id: int, status: str) -> None:
    """Every state change of a demand reaches its 技术经理人 (app.managers), inside the same transaction."""
    from app.managers.service import on_demand_status

    on_demand_status(session, demand_id, status)


def reject(session: Session, staff: StaffUser, demand_id: int, reason: str, ip: str = "") -> Demand:
    now = utcnow()
    result = session.exec(
        sa.update(D)
        .where(col(D.id) == demand_id, col(D.status) == DemandStatus.pending_review, *_scope(staff))
        .values(
            status=DemandStatus.rejected, reject_reason=reason, reviewed_at=now, reviewed_by=staff.id, updated_at=now
        )
    )
    if result.rowcount == 0:
        demand = staff_demand(session, staff, demand_id)
        session.refresh(demand)
        raise state.illegal(DemandAction.reject, demand.status, demand.deadline, now)
    demand = staff_demand(session, staff, demand_id)
    session.refresh(demand)
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=demand.city_code,
        action="demand.reject",
        object_type="demand",
        object_id=demand_id,
        ip=ip,
        detail={"reason": reason},
    )
    notify_org(
        session,
        demand.org_id,
        "demand_rejected",
        f"榜单未通过审核：{demand.title}",
        f"驳回理由：{reason}。修改后可重新提交。",
        _link(demand_id),
    )
    return demand


def review_many(
    session: Session, staff: StaffUser, ids: list[int], decision: ReviewDecision, reason: str | None, ip: str = ""
) -> list[dict[str, Any]]:
    """Approve or reject several demands; each one succeeds or fails on its own (a failure writes nothing)."""
    out: list[dict[str, Any]] = []
    for demand_id in ids:
        try:
            with atomic(session):
                if decision is ReviewDecision.approve:
                    approve(session, staff, demand_id, ip)
                else:
                    reject(session, staff, demand_id, reason or "", ip)
            out.append({"id": demand_id, "ok": True})
        except AppError as exc:
            out.append({"id": demand_id, "ok": False, "code": exc.code, "message": exc.message})
    return out


# ---------------------------------------------------------------- applications


def _check_partners(
    session: Session, org: Organization, demand: Demand, body: ApplicationCreate
) -> list[dict[str, str]]:
    if not body.partners:
        return []
    ids = [p.org_id for p in body.partners]
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()}
    errors = []
    for i, p in enumerate(body.partners):
        o = orgs.get(p.org_id)
        if o is None or o.verification != "verified":
            errors.append(
                {"field": f"partners.{i}.org_id", "message": "联合单位须为已认证机构", "type": "partner_invalid"}
            )
        elif o.id in (org.id, demand.org_id):
            errors.append(
                {
                    "field": f"partners.{i}.org_id",
                    "message": "联合单位不能是本单位或发榜单位",
                    "type": "partner_invalid",
                }
            )
    if errors:
        raise Invalid(errors[0]["message"], code="partner_invalid", detail=errors)
    return [{"org_id": str(p.org_id), "name": orgs[p.org_id].name, "role": p.role} for p in body.partners]


def _open_demand(session: Session, demand_id: int, now: datetime) -> Demand:
    demand = session.exec(select(D).where(col(D.id) == demand_id, _in(D.status, PUBLIC_DEMAND_STATUSES))).first()
    if demand is None:
        raise NotFound("榜单不存在或未公开", code="demand_not_found")
    if not state.accepts_applications(demand.status, demand.deadline, now):
        raise Conflict(
            "该榜单已截止或不在揭榜期内", code="demand_not_open", detail={"status": effective(demand, now).value}
        )
    return demand


def apply(
    session: Session, member: Member, org: Organization, demand_id: int, body: ApplicationCreate
) -> DemandApplication:
    """揭榜: one live application per organisation per demand (a partial unique index decides races).

    The content check runs first, before the transaction takes any lock.
    """
    now = utcnow()
    verdict = check_texts(
        member,
        body.proposal,
        body.team,
        body.timeline,
        body.contact_name,
        " ".join(p.role for p in body.partners),
        " ".join(a.name for a in body.attachments),
    )
    demand = _open_demand(session, demand_id, now)
    if demand.org_id == org.id:
        raise Forbidden("不能揭自己单位发布的榜单", code="own_demand")
    partners = _check_partners(session, org, demand, body)
    existing = session.exec(
        select(A.id).where(
            col(A.demand_id) == demand_id, col(A.org_id) == org.id, _in(A.status, state.LIVE_APPLICATION_STATUSES)
        )
    ).first()
    if existing is not None:
        raise _already_applied(existing)
    status = ApplicationStatus.submitted if verdict is ContentVerdict.pass_ else ApplicationStatus.pending_review
    application = DemandApplication(
        demand_id=demand_id,
        org_id=org.id,  # type: ignore[arg-type]
        member_id=member.id,  # type: ignore[arg-type]
        status=status,
        partners=partners,
        proposal=body.proposal,
        team=body.team,
        budget_wan_yuan=body.budget_wan_yuan,
        timeline=body.timeline,
        attachments=[a.as_dict() for a in body.attachments],
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        content_verdict=verdict,
    )
    try:
        with atomic(session):
            session.add(application)
            session.flush()
            if status is ApplicationStatus.submitted:
                counted = session.exec(
                    sa.update(D)
                    .where(col(D.id) == demand_id, is_open(now))
                    .values(application_count=D.application_count + 1)
                )
                if counted.rowcount == 0:
                    raise Conflict("该榜单已截止或不在揭榜期内", code="demand_not_open")
    except IntegrityError:
        session.expunge(application) if application in session else None
        raise _already_applied(None) from None
    if status is ApplicationStatus.submitted:
        _tell_poster_of_application(session, demand, org)
    _audit_member(
        session,
        member,
        "application.create",
        "application",
        application.id,
        demand.city_code,
        demand_id=demand_id,
        verdict=verdict.value,
    )
    return application


def application_demand(session: Session, application: DemandApplication) -> Demand:
    demand = session.get(D, application.demand_id)
    if demand is None:  # the foreign key makes this impossible
        raise NotFound("榜单不存在", code="demand_not_found")
    return demand


def _already_applied(application_id: int | None) -> Conflict:
    return Conflict(
        "贵单位已揭此榜，如需修改请先撤回原申请",
        code="already_applied",
        detail={"application_id": application_id} if application_id else None,
    )


def _tell_poster_of_application(session: Session, demand: Demand, org: Organization | None) -> None:
    who = org.name if org else "一家单位"
    notify_org(
        session,
        demand.org_id,
        "application_received",
        f"收到揭榜申请：{demand.title}",
        f"{who} 申请揭榜。",
        _link(demand.id),
    )


def visible_application(session: Session, org: Organization, application_id: int) -> tuple[DemandApplication, Demand]:
    """The applicant sees its own application; the poster sees those to its demands that passed the check."""
    row = session.exec(
        select(A, D)
        .join(D, col(D.id) == col(A.demand_id))
        .where(
            col(A.id) == application_id,
            sa.or_(
                col(A.org_id) == org.id,
                sa.and_(col(D.org_id) == org.id, _in(A.status, state.POSTER_VISIBLE_APPLICATION_STATUSES)),
            ),
        )
    ).first()
    if row is None:
        raise NotFound("揭榜申请不存在", code="application_not_found")
    return row[0], row[1]


def withdraw_application(session: Session, member: Member, org: Organization, application_id: int) -> DemandApplication:
    now = utcnow()
    before = session.exec(select(A.status).where(col(A.id) == application_id, col(A.org_id) == org.id)).first()
    result = session.exec(
        sa.update(A)
        .where(
            col(A.id) == application_id,
            col(A.org_id) == org.id,
            _in(A.status, state.app_sources(ApplicationAction.withdraw)),
        )
        .values(status=ApplicationStatus.withdrawn, withdrawn_at=now, updated_at=now)
    )
    if result.rowcount == 0:
        if before is None:
            raise NotFound("揭榜申请不存在", code="application_not_found")
        application = session.get(A, application_id)
        assert application is not None
        session.refresh(application)
        raise state.app_illegal(ApplicationAction.withdraw, application.status)
    application, demand = visible_application(session, org, application_id)
    session.refresh(application)
    if before in (ApplicationStatus.submitted, ApplicationStatus.shortlisted):
        notify_org(
            session,
            demand.org_id,
            "application_withdrawn",
            f"揭榜申请已撤回：{demand.title}",
            f"{org.name} 撤回了揭榜申请。",
            _link(demand.id),
        )
    _audit_member(session, member, "application.withdraw", "application", application_id, demand.city_code)
    return application


def shortlist(session: Session, member: Member, org: Organization, application_id: int) -> DemandApplication:
    """The poster marks an application 入围 (only on its own demands that are not yet awarded)."""
    now = utcnow()
    own_open = select(D.id).where(col(D.org_id) == org.id, _in(D.status, [DemandStatus.published, DemandStatus.closed]))
    result = session.exec(
        sa.update(A)
        .where(
            col(A.id) == application_id, col(A.demand_id).in_(own_open), col(A.status) == ApplicationStatus.submitted
        )
        .values(status=ApplicationStatus.shortlisted, updated_at=now)
    )
    application, demand = visible_application(session, org, application_id)
    if demand.org_id != org.id:
        raise NotFound("揭榜申请不存在", code="application_not_found")
    session.refresh(application)
    if result.rowcount == 0:
        if application.status == ApplicationStatus.submitted:
            raise Conflict(
                "榜单已确定揭榜方或已结束，不能再入围",
                code="demand_not_shortlistable",
                detail={"status": effective(demand, now).value},
            )
        raise state.app_illegal(ApplicationAction.shortlist, application.status)
    notify_org(
        session,
        application.org_id,
        "application_shortlisted",
        f"揭榜申请已入围：{demand.title}",
        "发榜方已将贵单位的申请列入入围名单。",
        _link(demand.id),
    )
    _audit_member(session, member, "application.shortlist", "application", application_id, demand.city_code)
    return application


def applications_of_demand(
    session: Session, org: Organization, demand_id: int, status: ApplicationStatus | None, page: int, page_size: int
) -> tuple[list[tuple[DemandApplication, Demand]], int]:
    owned_demand(session, org, demand_id)
    return received_applications(session, demand_id, status, page, page_size)


def received_applications(
    session: Session, demand_id: int, status: ApplicationStatus | None, page: int, page_size: int
) -> tuple[list[tuple[DemandApplication, Demand]], int]:
    """The applications a demand received that passed the content check: what the poster sees, and the assigned
    技术经理人 (the caller has checked who is asking)."""
    conds = [col(A.demand_id) == demand_id, _in(A.status, state.POSTER_VISIBLE_APPLICATION_STATUSES)]
    if status is not None:
        conds.append(col(A.status) == status)
    return _page(
        session, select(A, D).join(D, col(D.id) == col(A.demand_id)).where(*conds), [col(A.id).asc()], page, page_size
    )


def my_applications(
    session: Session, org: Organization, status: ApplicationStatus | None, page: int, page_size: int
) -> tuple[list[tuple[DemandApplication, Demand]], int]:
    conds = [col(A.org_id) == org.id]
    if status is not None:
        conds.append(col(A.status) == status)
    return _page(
        session, select(A, D).join(D, col(D.id) == col(A.demand_id)).where(*conds), [col(A.id).desc()], page, page_size
    )


# ---------------------------------------------------------------- applications: staff (held by the content check)


def _app_scope(staff: StaffUser) -> list[Any]:
    city = city_scope(staff)
    if not city:
        return []
    return [col(A.demand_id).in_(select(D.id).where(col(D.city_code) == city))]


def staff_application(session: Session, staff: StaffUser, application_id: int) -> tuple[DemandApplication, Demand]:
    row = session.exec(
        select(A, D).join(D, col(D.id) == col(A.demand_id)).where(col(A.id) == application_id, *_app_scope(staff))
    ).first()
    if row is None:
        raise NotFound("揭榜申请不存在", code="application_not_found")
    return row[0], row[1]


def staff_applications(
    session: Session, staff: StaffUser, status: ApplicationStatus | None, city: str | None, page: int, page_size: int
) -> tuple[list[tuple[DemandApplication, Demand]], int]:
    conds = _app_scope(staff)
    if status is not None:
        conds.append(col(A.status) == status)
    if city:
        conds.append(col(D.city_code) == city)
    stmt = select(A, D).join(D, col(D.id) == col(A.demand_id)).where(*conds)
    return _page(session, stmt, [col(A.created_at).asc(), col(A.id).asc()], page, page_size)


def staff_review_application(
    session: Session, staff: StaffUser, application_id: int, decision: ReviewDecision, reason: str | None, ip: str = ""
) -> DemandApplication:
    """A held application: approve → submitted (the poster now sees it), or reject with a reason."""
    now = utcnow()
    action = ApplicationAction.approve if decision is ReviewDecision.approve else ApplicationAction.reject
    values: dict[str, Any] = {"status": state.app_target(action), "updated_at": now}
    if action is ApplicationAction.reject:
        values["reject_reason"] = reason
    result = session.exec(
        sa.update(A)
        .where(col(A.id) == application_id, _in(A.status, state.app_sources(action)), *_app_scope(staff))
        .values(**values)
    )
    application, demand = staff_application(session, staff, application_id)
    session.refresh(application)
    if result.rowcount == 0:
        raise state.app_illegal(action, application.status)
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=demand.city_code,
        action=f"application.{action.value}",
        object_type="application",
        object_id=application_id,
        ip=ip,
        detail={"reason": reason} if reason else None,
    )
    if action is ApplicationAction.approve:
        session.exec(sa.update(D).where(col(D.id) == demand.id).values(application_count=D.application_count + 1))
        _tell_poster_of_application(session, demand, session.get(Organization, application.org_id))
        notify_org(
            session,
            application.org_id,
            "application_approved",
            f"揭榜申请已通过审核：{demand.title}",
            "申请已送达发榜方。",
            _link(demand.id),
        )
    else:
        notify_org(
            session,
            application.org_id,
            "application_rejected",
            f"揭榜申请未通过审核：{demand.title}",
            f"理由：{reason}",
            _link(demand.id),
        )
    return application
