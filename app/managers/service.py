"""技术经理人: a member applies for a profile and staff verify it (review kind `manager`); staff assign a verified
manager to a demand, or the manager claims a published demand of their fields (the poster may decline); the manager
adds follow-up records through to 验收 and hears of every state change of the demand; the poster rates afterwards.

Services never commit. `on_demand_status` is the hook the demand lifecycle calls on each state change.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import record
from app.boards.tech.models import TechManager
from app.contrib.service import moderated
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.demands import service as demands
from app.demands.models import ApplicationStatus, Demand, DemandStatus
from app.managers.models import AssignmentOrigin, AssignmentStatus, DemandAssignment, FollowUp
from app.managers.schemas import (
    AssignmentApplication,
    AssignmentDetail,
    AssignmentPublic,
    FollowUpCreate,
    FollowUpPublic,
    ManagerApply,
)
from app.members.models import Member
from app.notifications.service import notify, notify_org
from app.orgs.models import Organization
from app.staff.models import StaffUser
from app.staff.service import city_scope

STATUS_LABELS = {
    DemandStatus.draft: "草稿",
    DemandStatus.pending_review: "待审核",
    DemandStatus.rejected: "已驳回",
    DemandStatus.published: "揭榜中",
    DemandStatus.closed: "已截止",
    DemandStatus.awarded: "已签约/攻关中",
    DemandStatus.completed: "已验收",
    DemandStatus.withdrawn: "已撤回",
}
# Demands a manager can be put on: out in the market, not yet finished.
ASSIGNABLE = (DemandStatus.published, DemandStatus.closed, DemandStatus.awarded)


def _link(demand_id: int) -> str:
    return f"demand:{demand_id}"


# ---------------------------------------------------------------- profiles


def apply_profile(session: Session, member: Member, org: Organization, body: ManagerApply) -> TechManager:
    """The application is a profile waiting for staff verification (whatever the content check says, a person's
    credentials are verified by staff); `risky` text is refused outright."""
    moderated(member, body.name, body.bio, *body.fields)
    if session.exec(select(TechManager.id).where(TechManager.member_id == member.id)).first() is not None:
        raise Conflict("您已提交过技术经理人申请", code="already_applied")
    profile = TechManager(
        **body.model_dump(exclude={"city_code"}),
        city_code=body.city_code.value,
        org_name=org.name,
        member_id=member.id,
        source=RecordSource.member,
        publication=Publication.published,
        verification=Verification.pending,
    )
    try:
        with session.begin_nested():
            session.add(profile)
    except IntegrityError:
        raise Conflict("您已提交过技术经理人申请", code="already_applied") from None
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=profile.city_code,
        action="techmanager.apply",
        object_type="techmanager",
        object_id=profile.id,
    )
    return profile


def my_profile(session: Session, member: Member) -> TechManager:
    profile = session.exec(select(TechManager).where(TechManager.member_id == member.id)).first()
    if profile is None:
        raise NotFound("您还没有申请技术经理人", code="manager_profile_not_found")
    return profile


def verified_manager(session: Session, member: Member) -> TechManager:
    profile = my_profile(session, member)
    if profile.verification != Verification.verified:
        raise Forbidden("技术经理人资格尚未通过核验", code="manager_not_verified")
    return profile


# ---------------------------------------------------------------- assignments


def _live(session: Session, demand_id: int) -> DemandAssignment | None:
    return session.exec(select(DemandAssignment).where(DemandAssignment.live_demand_id == demand_id)).first()


def _insert(session: Session, demand: Demand, manager: TechManager, origin: AssignmentOrigin) -> DemandAssignment:
    if _live(session, demand.id) is not None:  # type: ignore[arg-type]
        raise Conflict("该榜单已有技术经理人跟进", code="demand_has_manager")
    row = DemandAssignment(
        demand_id=demand.id,  # type: ignore[arg-type]
        manager_id=manager.id,  # type: ignore[arg-type]
        live_demand_id=demand.id,
        origin=origin,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict("该榜单已有技术经理人跟进", code="demand_has_manager") from None
    return row


def fits(manager: TechManager, demand: Demand) -> bool:
    """A demand is of the manager's fields when one of the fields appears in its title, keywords, description,
    industries or chain."""
    haystack = " ".join(
        [demand.title, demand.description, *demand.keywords, *demand.industries, demand.chain_code or ""]
    ).lower()
    return any(f.strip() and f.strip().lower() in haystack for f in manager.fields)


def claim(session: Session, member: Member, demand_id: int) -> DemandAssignment:
    manager = verified_manager(session, member)
    now = utcnow()
    demand = session.get(Demand, demand_id)
    if demand is None or demand.status not in (DemandStatus.published, DemandStatus.closed, DemandStatus.awarded):
        raise NotFound()
    if demand.status != DemandStatus.published or (demand.deadline is not None and demand.deadline <= now):
        raise Conflict("只能认领揭榜中的榜单", code="demand_not_open")
    if not fits(manager, demand):
        raise Forbidden("该榜单不在您的擅长领域内", code="field_mismatch")
    row = _insert(session, demand, manager, AssignmentOrigin.claim)
    notify_org(
        session,
        demand.org_id,
        "manager.claimed",
        "技术经理人认领了您的榜单",
        f"技术经理人{manager.name}（擅长：{'、'.join(manager.fields)}）将跟进《{demand.title}》；如不需要，可在榜单页拒绝。",
        _link(demand.id),  # type: ignore[arg-type]
    )
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=demand.city_code,
        action="demand.manager.claim",
        object_type="demand",
        object_id=demand.id,
        detail={"manager_id": manager.id},
    )
    return row


def staff_assign(session: Session, staff: StaffUser, demand_id: int, manager_id: int) -> DemandAssignment:
    city = city_scope(staff)
    demand = session.get(Demand, demand_id)
    if demand is None or (city and demand.city_code != city):
        raise NotFound()
    if demand.status not in ASSIGNABLE:
        raise Conflict("该榜单当前状态不能指派技术经理人", code="demand_not_assignable")
    manager = session.get(TechManager, manager_id)
    if manager is None or manager.verification != Verification.verified:
        raise NotFound("技术经理人不存在或未通过核验", code="manager_not_found")
    row = _insert(session, demand, manager, AssignmentOrigin.staff)
    if manager.member_id is not None:
        notify(
            session,
            manager.member_id,
            "manager.assigned",
            "您被指派跟进一个榜单",
            f"《{demand.title}》",
            _link(demand.id),  # type: ignore[arg-type]
        )
    notify_org(
        session,
        demand.org_id,
        "manager.assigned",
        "平台为您的榜单指派了技术经理人",
        f"技术经理人{manager.name}将跟进《{demand.title}》。",
        _link(demand.id),  # type: ignore[arg-type]
    )
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=demand.city_code,
        action="demand.manager.assign",
        object_type="demand",
        object_id=demand.id,
        detail={"manager_id": manager.id},
    )
    return row


def _end(session: Session, assignment_id: int, to: AssignmentStatus, *conds: Any) -> bool:
    result = session.exec(
        sa.update(DemandAssignment)
        .where(
            col(DemandAssignment.id) == assignment_id, col(DemandAssignment.status) == AssignmentStatus.active, *conds
        )
        .values(status=to, live_demand_id=None, updated_at=utcnow())
    )
    return result.rowcount == 1


def _poster_demands(org: Organization) -> Any:
    return col(DemandAssignment.demand_id).in_(select(Demand.id).where(Demand.org_id == org.id))


def decline(session: Session, member: Member, org: Organization, assignment_id: int) -> DemandAssignment:
    """The poster declines a manager who claimed its demand (a staff assignment is ended by staff)."""
    row = session.exec(
        select(DemandAssignment).where(DemandAssignment.id == assignment_id, _poster_demands(org))
    ).first()
    if row is None:
        raise NotFound()
    if not _end(
        session, assignment_id, AssignmentStatus.declined, col(DemandAssignment.origin) == AssignmentOrigin.claim
    ):
        raise Conflict("只能拒绝经理人主动认领、且仍在跟进中的安排", code="not_declinable")
    session.refresh(row)
    _tell_manager(session, row, "manager.declined", "发榜方谢绝了您的跟进")
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        action="demand.manager.decline",
        object_type="demand_assignment",
        object_id=row.id,
    )
    return row


def staff_end(session: Session, staff: StaffUser, assignment_id: int) -> DemandAssignment:
    city = city_scope(staff)
    stmt = select(DemandAssignment).where(DemandAssignment.id == assignment_id)
    if city:
        stmt = stmt.where(col(DemandAssignment.demand_id).in_(select(Demand.id).where(Demand.city_code == city)))
    row = session.exec(stmt).first()
    if row is None:
        raise NotFound()
    if not _end(session, assignment_id, AssignmentStatus.ended):
        raise Conflict("该安排已结束", code="assignment_not_active")
    session.refresh(row)
    _tell_manager(session, row, "manager.ended", "平台已终止您对该榜单的跟进")
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=city,
        action="demand.manager.end",
        object_type="demand_assignment",
        object_id=row.id,
    )
    return row


def _tell_manager(session: Session, row: DemandAssignment, kind: str, title: str, body: str = "") -> None:
    manager = session.get(TechManager, row.manager_id)
    demand = session.get(Demand, row.demand_id)
    if manager is not None and manager.member_id is not None and demand is not None:
        notify(session, manager.member_id, kind, title, body or f"《{demand.title}》", _link(row.demand_id))


def complete_assignment(session: Session, demand_id: int) -> DemandAssignment | None:
    """The demand reached 验收: its live assignment is completed and the manager's count goes up, once."""
    row = _live(session, demand_id)
    if row is None or not _end(session, row.id, AssignmentStatus.completed):  # type: ignore[arg-type]
        return None
    session.exec(
        sa.update(TechManager)
        .where(col(TechManager.id) == row.manager_id)
        .values(completed_count=TechManager.completed_count + 1)
    )
    session.refresh(row)
    return row


def on_demand_status(session: Session, demand_id: int, status: str) -> None:
    """Hook for the demand lifecycle: call it inside the transaction of every state change of a demand. Tells the
    following manager; 验收 completes the assignment, a withdrawal ends it."""
    row = _live(session, demand_id)
    if row is None:
        return
    label = STATUS_LABELS.get(DemandStatus(status), status) if status in DemandStatus.__members__ else status
    _tell_manager(session, row, "manager.demand_status", f"您跟进的榜单状态变为：{label}")
    if status == DemandStatus.completed:
        complete_assignment(session, demand_id)
    elif status == DemandStatus.withdrawn:
        _end(session, row.id, AssignmentStatus.ended)  # type: ignore[arg-type]


# ---------------------------------------------------------------- reading, follow-ups, rating


def _public(row: DemandAssignment, demand: Demand, manager: TechManager) -> dict[str, Any]:
    return {
        **row.model_dump(),
        "demand_title": demand.title,
        "demand_status": demand.status,
        "manager_name": manager.name,
    }


def my_assignments(session: Session, member: Member) -> list[AssignmentPublic]:
    rows = session.exec(
        select(DemandAssignment, Demand, TechManager)
        .join(Demand, col(Demand.id) == col(DemandAssignment.demand_id))
        .join(TechManager, col(TechManager.id) == col(DemandAssignment.manager_id))
        .where(TechManager.member_id == member.id)
        .order_by(col(DemandAssignment.id).desc())
        .limit(200)
    ).all()
    return [AssignmentPublic.model_validate(_public(a, d, m)) for a, d, m in rows]


def visible_assignment(
    session: Session, member: Member, org: Organization | None, assignment_id: int
) -> tuple[DemandAssignment, Demand, TechManager, bool]:
    """An assignment as its manager or the demand's poster sees it: (row, demand, manager, is_manager)."""
    found = session.exec(
        select(DemandAssignment, Demand, TechManager)
        .join(Demand, col(Demand.id) == col(DemandAssignment.demand_id))
        .join(TechManager, col(TechManager.id) == col(DemandAssignment.manager_id))
        .where(DemandAssignment.id == assignment_id)
    ).first()
    if found is None:
        raise NotFound()
    row, demand, manager = found
    is_manager = manager.member_id is not None and manager.member_id == member.id
    is_poster = org is not None and demand.org_id == org.id
    if not (is_manager or is_poster):
        raise NotFound()
    return row, demand, manager, is_manager


def assignment_detail(
    session: Session, member: Member, org: Organization | None, assignment_id: int
) -> AssignmentDetail:
    row, demand, manager, is_manager = visible_assignment(session, member, org, assignment_id)
    conds: list[Any] = [FollowUp.assignment_id == row.id]
    if not is_manager:
        conds.append(FollowUp.verification == Verification.verified)
    follow_ups = session.exec(
        select(FollowUp).where(*conds).order_by(col(FollowUp.happened_on), col(FollowUp.id))
    ).all()
    return AssignmentDetail.model_validate(
        {**_public(row, demand, manager), "follow_ups": [FollowUpPublic.model_validate(f) for f in follow_ups]}
    )


def assignment_applications(
    session: Session, member: Member, assignment_id: int, status: ApplicationStatus | None, page: int, page_size: int
) -> tuple[list[AssignmentApplication], int]:
    """The applications of the followed demand, for its manager only (the poster has its own list; anybody else,
    applicants included, gets a 404), while the assignment runs or after it reached 验收."""
    row, demand, _, is_manager = visible_assignment(session, member, None, assignment_id)
    if not is_manager:
        raise NotFound()
    if row.status not in (AssignmentStatus.active, AssignmentStatus.completed):
        raise Conflict("该安排已结束，不能再查看揭榜申请", code="assignment_not_active")
    rows, total = demands.received_applications(session, demand.id, status, page, page_size)  # type: ignore[arg-type]
    ids = {a.org_id for a, _ in rows}
    orgs = {o.id: o for o in session.exec(select(Organization).where(col(Organization.id).in_(ids))).all()}
    items = []
    for application, _ in rows:
        org = orgs[application.org_id]
        items.append(
            AssignmentApplication.model_validate(
                {
                    **application.model_dump(),
                    "org_name": org.name,
                    "org_type": org.org_type,
                    "org_city_code": org.city_code,
                    "partners": [{"name": p.get("name", ""), "role": p.get("role", "")} for p in application.partners],
                }
            )
        )
    return items, total


def add_follow_up(session: Session, member: Member, assignment_id: int, body: FollowUpCreate) -> FollowUp:
    row, demand, _, is_manager = visible_assignment(session, member, None, assignment_id)
    if not is_manager:
        raise NotFound()
    if row.status != AssignmentStatus.active:
        raise Conflict("该安排已结束，不能再添加跟进记录", code="assignment_not_active")
    verification = moderated(member, body.contact_made, body.next_step)
    follow_up = FollowUp(assignment_id=row.id, verification=verification, **body.model_dump())  # type: ignore[arg-type]
    session.add(follow_up)
    session.flush()
    if verification is Verification.verified:
        notify_org(
            session,
            demand.org_id,
            "manager.follow_up",
            "技术经理人新增跟进记录",
            body.contact_made,
            _link(demand.id),  # type: ignore[arg-type]
        )
    return follow_up


def rate(session: Session, member: Member, org: Organization, assignment_id: int, rating: int) -> DemandAssignment:
    row, demand, _, _ = visible_assignment(session, member, org, assignment_id)
    if demand.org_id != org.id:
        raise NotFound()
    if demand.status != DemandStatus.completed:
        raise Conflict("榜单验收后才能评价技术经理人", code="demand_not_completed")
    if row.status not in (AssignmentStatus.active, AssignmentStatus.completed):
        raise Conflict("该经理人未跟进至验收", code="assignment_not_rateable")
    complete_assignment(session, demand.id)  # type: ignore[arg-type]  # in case the hook was not wired
    result = session.exec(
        sa.update(DemandAssignment)
        .where(
            col(DemandAssignment.id) == row.id,
            col(DemandAssignment.rating).is_(None),
            col(DemandAssignment.status) == AssignmentStatus.completed,
        )
        .values(rating=rating, rated_at=utcnow())
    )
    if result.rowcount == 0:
        raise Conflict("已评价过", code="already_rated")
    session.refresh(row)
    _tell_manager(session, row, "manager.rated", f"发榜方对您的跟进评价：{rating} 星")
    return row


def my_assignments_one(session: Session, assignment_id: int | None) -> AssignmentPublic:
    a, d, m = session.exec(
        select(DemandAssignment, Demand, TechManager)
        .join(Demand, col(Demand.id) == col(DemandAssignment.demand_id))
        .join(TechManager, col(TechManager.id) == col(DemandAssignment.manager_id))
        .where(DemandAssignment.id == assignment_id)
    ).one()
    return AssignmentPublic.model_validate(_public(a, d, m))
