"""Staff review of what members contributed and the content check held (`review`): the queue, approve, reject.

Service functions the back office can call as they are: `review_queue`, `approve`, `reject`. Each decision is one
conditional UPDATE (`WHERE verification = 'pending'`, within the staff user's city), is audited, and tells the
submitter (or, for an approved interest or follow-up, the other side) in the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.service import record
from app.boards.finance.models import FinancingNeed
from app.boards.showcase.models import Achievement
from app.boards.talent.models import Job
from app.boards.tech.models import TechManager
from app.contrib.models import Interest
from app.contrib.schemas import ReviewItem, ReviewKind
from app.contrib.service import interest_notice
from app.core.errors import Conflict, NotFound
from app.core.models import RecordSource, Verification, utcnow
from app.demands.models import Demand
from app.managers.models import DemandAssignment, FollowUp
from app.notifications.service import notify, notify_org
from app.staff.models import StaffUser
from app.staff.service import city_scope


@dataclass(frozen=True)
class _Spec:
    model: Any
    label: str  # 中文 name for messages
    title: str
    org: str
    texts: tuple[str, ...]
    member_source: bool = True  # only records members wrote (bureau records go through 数据核验 elsewhere)


SPECS: dict[ReviewKind, _Spec] = {
    ReviewKind.achievement: _Spec(Achievement, "科技成果", "title", "owner_name", ("title", "description")),
    ReviewKind.financing_need: _Spec(
        FinancingNeed, "融资需求", "title", "org_name", ("title", "use_of_funds", "description")
    ),
    ReviewKind.job: _Spec(Job, "招聘岗位", "title", "org_name", ("title", "description", "education", "experience")),
    ReviewKind.manager: _Spec(TechManager, "技术经理人资料", "name", "org_name", ("name", "org_name", "bio")),
    ReviewKind.interest: _Spec(Interest, "留言", "target_title", "org_name", ("message",), member_source=False),
    ReviewKind.follow_up: _Spec(
        FollowUp, "跟进记录", "contact_made", "contact_made", ("contact_made", "next_step"), member_source=False
    ),
}


def _follow_up_city(city: str) -> Any:
    return col(FollowUp.assignment_id).in_(
        select(DemandAssignment.id)
        .join(Demand, col(Demand.id) == col(DemandAssignment.demand_id))
        .where(Demand.city_code == city)
    )


def _scope(spec: _Spec, staff: StaffUser) -> list[Any]:
    conds: list[Any] = []
    if spec.member_source:
        conds.append(spec.model.source == RecordSource.member)
    city = city_scope(staff)
    if city:
        conds.append(_follow_up_city(city) if spec.model is FollowUp else spec.model.city_code == city)
    return conds


def _city_of(session: Session, row: Any) -> str:
    if isinstance(row, FollowUp):
        demand = session.exec(
            select(Demand)
            .join(DemandAssignment, col(DemandAssignment.demand_id) == col(Demand.id))
            .where(DemandAssignment.id == row.assignment_id)
        ).one()
        return demand.city_code
    return str(row.city_code)


def pending_conds(staff: StaffUser, kind: ReviewKind) -> list[Any]:
    """What waits for staff in one kind, within the staff user's city: the queue's and the decision's WHERE."""
    spec = SPECS[kind]
    return [spec.model.verification == Verification.pending, *_scope(spec, staff)]


def kind_of(model: Any) -> ReviewKind | None:
    """The review kind of a board table whose members' records this module reviews (None for others)."""
    return next((k for k, s in SPECS.items() if s.model is model and s.member_source), None)


def review_queue(session: Session, staff: StaffUser, kind: ReviewKind, limit: int = 100) -> list[ReviewItem]:
    """The oldest held submissions of one kind in the staff user's city (all cities for district staff)."""
    spec = SPECS[kind]
    rows = session.exec(
        select(spec.model).where(*pending_conds(staff, kind)).order_by(col(spec.model.id)).limit(limit)
    ).all()
    return [
        ReviewItem(
            kind=kind,
            id=row.id,
            city_code=_city_of(session, row),
            title=str(getattr(row, spec.title))[:200],
            org_name=str(getattr(row, spec.org))[:128],
            texts={f: str(getattr(row, f) or "") for f in spec.texts},
            submitted_at=getattr(row, "updated_at", None) or row.created_at,
        )
        for row in rows
    ]


def _decide(
    session: Session, staff: StaffUser, kind: ReviewKind, item_id: int, to: Verification, reason: str | None
) -> Any:
    spec = SPECS[kind]
    model = spec.model
    values: dict[str, Any] = {"verification": to}
    if hasattr(model, "reject_reason"):
        values["reject_reason"] = reason
    if hasattr(model, "published_at") and to is Verification.verified:
        values["published_at"] = sa.func.coalesce(model.published_at, utcnow())
    result = session.exec(
        sa.update(model)
        .where(model.id == item_id, *pending_conds(staff, kind))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    row = session.exec(select(model).where(model.id == item_id, *_scope(spec, staff))).first()
    if row is None:
        raise NotFound()
    if result.rowcount == 0:
        raise Conflict("该内容不在待审核状态", code="not_pending")
    session.refresh(row)
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=_city_of(session, row),
        action=f"review.{kind.value}.{'approve' if to is Verification.verified else 'reject'}",
        object_type=kind.value,
        object_id=item_id,
        detail={"reason": reason} if reason else {},
    )
    _tell(session, kind, spec, row, to, reason)
    return row


def _tell(session: Session, kind: ReviewKind, spec: _Spec, row: Any, to: Verification, reason: str | None) -> None:
    ok = to is Verification.verified
    verdict = "审核通过" if ok else "未通过审核"
    note_kind = f"review.{kind.value}.{'approved' if ok else 'rejected'}"
    body = "" if ok else f"原因：{reason}"
    if kind is ReviewKind.interest:
        if ok:
            interest_notice(session, row)
        else:
            notify(session, row.member_id, note_kind, f"您的留言{verdict}", body, f"{row.target_type}:{row.target_id}")
        return
    if kind is ReviewKind.follow_up:
        assignment = session.get(DemandAssignment, row.assignment_id)
        assert assignment is not None
        link = f"demand:{assignment.demand_id}"
        if ok:
            demand = session.get(Demand, assignment.demand_id)
            if demand is not None:
                notify_org(
                    session, demand.org_id, "manager.follow_up", "技术经理人新增跟进记录", row.contact_made, link
                )
        else:
            manager = session.get(TechManager, assignment.manager_id)
            if manager is not None and manager.member_id is not None:
                notify(session, manager.member_id, note_kind, f"跟进记录{verdict}", body, link)
        return
    title = f"您的{spec.label}{verdict}：{getattr(row, spec.title)}"
    if kind is ReviewKind.manager:
        if row.member_id is not None:
            notify(session, row.member_id, note_kind, title, body, f"manager:{row.id}")
        return
    notify_org(session, row.org_id, note_kind, title, body, f"{kind.value}:{row.id}")


def approve(session: Session, staff: StaffUser, kind: ReviewKind, item_id: int) -> Any:
    return _decide(session, staff, kind, item_id, Verification.verified, None)


def reject(session: Session, staff: StaffUser, kind: ReviewKind, item_id: int, reason: str) -> Any:
    return _decide(session, staff, kind, item_id, Verification.rejected, reason)


def pending_count(session: Session, staff: StaffUser, kind: ReviewKind) -> int:
    """How many submissions of one kind wait for staff in the staff user's city (the queue shows the oldest)."""
    spec = SPECS[kind]
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(spec.model)
            .where(spec.model.verification == Verification.pending, *_scope(spec, staff))
        ).one()
    )
