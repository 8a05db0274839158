"""Organisations: members register or claim them, staff verify them, a member acts for one verified organisation.

Reusable by the back office: every function takes the session and the acting member or staff user, never commits,
and changes state with one conditional UPDATE. Staff functions confine a city's staff to their city (`city_scope`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.audit.service import record
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.listing import paginate, text_contains, to_page
from app.core.models import Verification, utcnow
from app.members.models import Member, MembershipRole, OrgMembership
from app.members.service import own, require_consent
from app.notifications.service import notify
from app.orgs.models import ClaimStatus, Organization, OrgClaim
from app.orgs.schemas import (
    ClaimPublic,
    OrgCreate,
    OrgPrivate,
    OrgUpdate,
    StaffClaim,
    StaffClaimQuery,
    StaffOrg,
    StaffOrgQuery,
)
from app.staff.models import StaffUser
from app.staff.service import city_scope
from app.taxonomy.models import Industry

ORG_NOT_FOUND = "机构不存在"


# -- members -------------------------------------------------------------------------------------------------------


def check_industries(session: Session, codes: list[str]) -> list[str]:
    codes = list(dict.fromkeys(codes))
    if codes:
        known = set(session.exec(select(Industry.code).where(col(Industry.code).in_(codes))).all())
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise Invalid("行业代码不存在", code="industry_unknown", detail={"industries": unknown})
    return codes


def check_org_texts(member: Member, *texts: str) -> None:
    """Member text about an organisation: risky → 422. Staff verify every organisation before it is public."""
    from app.moderation.service import check_member_texts

    check_member_texts(member, *texts)


def membership(session: Session, member_id: int, org_id: int) -> OrgMembership | None:
    return session.exec(
        select(OrgMembership).where(OrgMembership.member_id == member_id, OrgMembership.org_id == org_id)
    ).first()


def register_org(session: Session, member: Member, data: OrgCreate) -> Organization:
    """A new organisation, pending verification, with the member as its admin. Known credit code → 409 (claim it)."""
    require_consent(member)
    check_org_texts(member, data.name, data.capabilities, data.intro)
    industries = check_industries(session, data.industries)
    existing = session.exec(select(Organization.id).where(Organization.credit_code == data.credit_code)).first()
    if existing is not None:
        raise Conflict("该机构已登记，请申请加入", code="org_exists", detail={"org_id": existing})
    org = Organization(
        name=data.name,
        credit_code=data.credit_code,
        org_type=data.org_type,
        city_code=data.city_code,
        industries=industries,
        capabilities=data.capabilities,
        intro=data.intro,
        verification=Verification.pending,
        created_by=member.id,
    )
    try:
        with session.begin_nested():
            session.add(org)
            session.flush()
    except IntegrityError:
        raise Conflict("该机构已登记，请申请加入", code="org_exists") from None
    session.add(OrgMembership(member_id=member.id, org_id=org.id, role=MembershipRole.admin))  # type: ignore[arg-type]
    session.flush()
    return org


def claim_org(session: Session, member: Member, code: str, note: str) -> OrgClaim:
    """Asks to join a registered organisation; staff approve. A rejected claim may be made again."""
    require_consent(member)
    org = session.exec(select(Organization).where(Organization.credit_code == code)).first()
    if org is None:
        raise NotFound("未找到该统一社会信用代码的机构，请先登记", code="org_not_found")
    assert member.id is not None and org.id is not None
    if membership(session, member.id, org.id) is not None:
        raise Conflict("您已是该机构成员", code="already_member")
    claim = session.exec(select(OrgClaim).where(OrgClaim.member_id == member.id, OrgClaim.org_id == org.id)).first()
    if claim is None:
        claim = OrgClaim(member_id=member.id, org_id=org.id, note=note)
        try:
            with session.begin_nested():
                session.add(claim)
                session.flush()
        except IntegrityError:
            raise Conflict("已提交过加入申请，请等待审核", code="claim_pending") from None
        return claim
    result = session.exec(
        sa.update(OrgClaim)
        .where(col(OrgClaim.id) == claim.id, col(OrgClaim.status) != ClaimStatus.pending)
        .values(status=ClaimStatus.pending, note=note, reject_reason=None, reviewed_by=None, reviewed_at=None)
    )
    if result.rowcount != 1:
        raise Conflict("已提交过加入申请，请等待审核", code="claim_pending")
    session.refresh(claim)
    return claim


def org_for_member(session: Session, member: Member, org_id: int) -> tuple[Organization, OrgMembership]:
    """The organisation if the member belongs to it; 404 otherwise (its existence is not revealed)."""
    row = session.exec(
        select(Organization, OrgMembership)
        .join(OrgMembership, col(OrgMembership.org_id) == col(Organization.id))
        .where(col(Organization.id) == org_id, OrgMembership.member_id == member.id)
    ).first()
    if row is None:
        raise NotFound(ORG_NOT_FOUND, code="org_not_found")
    return row[0], row[1]


def update_org(session: Session, member: Member, org_id: int, data: OrgUpdate) -> Organization:
    """The organisation's admin edits it. Name, type and city are locked once verified; editing a rejected
    organisation submits it for verification again."""
    require_consent(member)
    check_org_texts(member, data.name or "", data.capabilities or "", data.intro or "")
    org, mship = org_for_member(session, member, org_id)
    if mship.role != MembershipRole.admin:
        raise Forbidden("只有机构管理员可以修改机构信息", code="org_admin_required")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, exclude_none=True)
    locked = {"name", "org_type", "city_code"} & set(changes)
    if locked and org.verification == Verification.verified:
        raise Conflict("机构已认证，名称、类型、城市不能修改，请联系工作人员", code="org_verified_locked")
    if "industries" in changes:
        changes["industries"] = check_industries(session, changes["industries"])
    if not changes:
        return org
    values: dict[str, Any] = {**changes, "updated_at": utcnow()}
    if org.verification == Verification.rejected:
        values.update(verification=Verification.pending, reject_reason=None)
    result = session.exec(
        sa.update(Organization)
        .where(col(Organization.id) == org.id, col(Organization.verification) == org.verification)
        .values(**values)
    )
    if result.rowcount != 1:
        raise Conflict("机构状态已变化，请刷新后重试", code="org_state_changed")
    session.refresh(org)
    return org


def set_acting_org(session: Session, member: Member, org_id: int) -> Member:
    """The member acts for this organisation from now on: one of theirs, and verified."""
    org, _ = org_for_member(session, member, org_id)
    if org.verification != Verification.verified:
        raise Forbidden("机构认证尚未通过", code="org_not_verified")
    me = own(session, member)
    me.acting_org_id = org.id
    session.add(me)
    return me


def private_view(org: Organization, role: str | None = None) -> OrgPrivate:
    return OrgPrivate.model_validate({**org.model_dump(), "my_role": role})


def my_orgs(session: Session, member: Member) -> tuple[list[OrgPrivate], list[ClaimPublic]]:
    orgs = session.exec(
        select(Organization, OrgMembership.role)
        .join(OrgMembership, col(OrgMembership.org_id) == col(Organization.id))
        .where(OrgMembership.member_id == member.id)
        .order_by(col(OrgMembership.id))
    ).all()
    claims = session.exec(
        select(OrgClaim, Organization.name)
        .join(Organization, col(Organization.id) == col(OrgClaim.org_id))
        .where(OrgClaim.member_id == member.id)
        .order_by(col(OrgClaim.id).desc())
    ).all()
    return [private_view(o, r) for o, r in orgs], [claim_view(c, n) for c, n in claims]


def claim_view(claim: OrgClaim, org_name: str) -> ClaimPublic:
    return ClaimPublic.model_validate({**claim.model_dump(), "org_name": org_name})


# -- staff ---------------------------------------------------------------------------------------------------------


def _scoped(staff: StaffUser) -> list[Any]:
    scope = city_scope(staff)
    return [] if scope is None else [col(Organization.city_code) == scope]


def staff_org_view(session: Session, org: Organization) -> StaffOrg:
    count = session.exec(select(func.count()).select_from(OrgMembership).where(OrgMembership.org_id == org.id)).one()
    return StaffOrg.model_validate({**org.model_dump(), "member_count": count})


def staff_list_orgs(session: Session, staff: StaffUser, q: StaffOrgQuery) -> dict[str, Any]:
    conds = _scoped(staff)
    if q.verification:
        conds.append(col(Organization.verification) == q.verification.value)
    if q.city:
        conds.append(col(Organization.city_code) == q.city.value)
    if q.q:
        conds.append(sa.or_(text_contains(Organization.name, q.q), col(Organization.credit_code) == q.q.upper()))
    rows, total = paginate(session, select(Organization).where(*conds), q, [col(Organization.id).desc()])  # type: ignore[arg-type]
    return to_page([staff_org_view(session, o) for o in rows], total, q)  # type: ignore[arg-type]


def staff_get_org(session: Session, staff: StaffUser, org_id: int) -> Organization:
    """404 for an organisation of another city: a city's staff do not learn that it exists."""
    org = session.exec(select(Organization).where(col(Organization.id) == org_id, *_scoped(staff))).first()
    if org is None:
        raise NotFound(ORG_NOT_FOUND, code="org_not_found")
    return org


def _review_org(
    session: Session, staff: StaffUser, org_id: int, verdict: Verification, reason: str | None, ip: str
) -> Organization:
    org = staff_get_org(session, staff, org_id)
    now = utcnow()
    result = session.exec(
        sa.update(Organization)
        .where(col(Organization.id) == org.id, col(Organization.verification) == Verification.pending)
        .values(verification=verdict, reject_reason=reason, reviewed_by=staff.id, reviewed_at=now, updated_at=now)
    )
    if result.rowcount != 1:
        raise Conflict("该机构不在待审核状态", code="org_not_pending", detail={"verification": org.verification})
    session.refresh(org)
    members = list(session.exec(select(OrgMembership.member_id).where(OrgMembership.org_id == org.id)).all())
    if verdict == Verification.verified:
        # Members who act for no organisation yet act for this one from now on.
        session.exec(
            sa.update(Member)
            .where(col(Member.id).in_(members), col(Member.acting_org_id).is_(None))
            .values(acting_org_id=org.id)
        )
        for member_id in members:
            notify(
                session, member_id, "org.verified", f"机构认证已通过：{org.name}", "现在可以发榜、揭榜", f"org:{org.id}"
            )
    else:
        for member_id in members:
            notify(session, member_id, "org.rejected", f"机构认证未通过：{org.name}", reason or "", f"org:{org.id}")
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=org.city_code,
        action=f"org.{verdict.value}",
        object_type="organization",
        object_id=org.id,
        ip=ip,
        detail={"reason": reason} if reason else {},
    )
    return org


def verify_org(session: Session, staff: StaffUser, org_id: int, *, ip: str = "") -> Organization:
    """pending → verified; notifies the organisation's members."""
    return _review_org(session, staff, org_id, Verification.verified, None, ip)


def reject_org(session: Session, staff: StaffUser, org_id: int, reason: str, *, ip: str = "") -> Organization:
    """pending → rejected with a reason; the admin member edits and resubmits."""
    return _review_org(session, staff, org_id, Verification.rejected, reason, ip)


def _claim_rows(session: Session, staff: StaffUser) -> Any:
    return (
        select(OrgClaim, Organization, Member)
        .join(Organization, col(Organization.id) == col(OrgClaim.org_id))
        .join(Member, col(Member.id) == col(OrgClaim.member_id))
        .where(*_scoped(staff))
    )


def staff_claim_view(claim: OrgClaim, org: Organization, member: Member) -> StaffClaim:
    return StaffClaim.model_validate(
        {
            **claim.model_dump(),
            "org_name": org.name,
            "org_city_code": org.city_code,
            "org_verification": org.verification,
            "member_nickname": member.nickname,
        }
    )


def staff_list_claims(session: Session, staff: StaffUser, q: StaffClaimQuery) -> dict[str, Any]:
    stmt = _claim_rows(session, staff)
    if q.status:
        stmt = stmt.where(col(OrgClaim.status) == q.status.value)
    if q.city:
        stmt = stmt.where(col(Organization.city_code) == q.city.value)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    offset = (q.page - 1) * q.page_size
    rows = session.exec(stmt.order_by(col(OrgClaim.id)).offset(offset).limit(q.page_size)).all()
    return to_page([staff_claim_view(*r) for r in rows], total, q)  # type: ignore[arg-type]


def staff_get_claim(session: Session, staff: StaffUser, claim_id: int) -> tuple[OrgClaim, Organization, Member]:
    row = session.exec(_claim_rows(session, staff).where(col(OrgClaim.id) == claim_id)).first()
    if row is None:
        raise NotFound("加入申请不存在", code="claim_not_found")
    return row[0], row[1], row[2]


def _review_claim(
    session: Session, staff: StaffUser, claim_id: int, status: ClaimStatus, reason: str | None, ip: str
) -> StaffClaim:
    claim, org, member = staff_get_claim(session, staff, claim_id)
    result = session.exec(
        sa.update(OrgClaim)
        .where(col(OrgClaim.id) == claim.id, col(OrgClaim.status) == ClaimStatus.pending)
        .values(status=status, reject_reason=reason, reviewed_by=staff.id, reviewed_at=utcnow())
    )
    if result.rowcount != 1:
        raise Conflict("该申请不在待审核状态", code="claim_not_pending", detail={"status": claim.status})
    session.refresh(claim)
    if status == ClaimStatus.approved:
        if membership(session, member.id, org.id) is None:  # type: ignore[arg-type]
            session.add(OrgMembership(member_id=member.id, org_id=org.id, role=MembershipRole.member))  # type: ignore[arg-type]
        if org.verification == Verification.verified:
            session.exec(
                sa.update(Member)
                .where(col(Member.id) == member.id, col(Member.acting_org_id).is_(None))
                .values(acting_org_id=org.id)
            )
        notify(session, member.id, "org_claim.approved", f"已加入机构：{org.name}", "", f"org:{org.id}")  # type: ignore[arg-type]
    else:
        notify(session, member.id, "org_claim.rejected", f"加入机构申请未通过：{org.name}", reason or "", "")  # type: ignore[arg-type]
    record(
        session,
        actor_type="staff",
        actor_id=staff.id,
        city_code=org.city_code,
        action=f"org_claim.{status.value}",
        object_type="org_claim",
        object_id=claim.id,
        ip=ip,
        detail={"org_id": org.id, "member_id": member.id, **({"reason": reason} if reason else {})},
    )
    session.flush()
    return staff_claim_view(claim, org, member)


def approve_claim(session: Session, staff: StaffUser, claim_id: int, *, ip: str = "") -> StaffClaim:
    """pending → approved: the member joins the organisation (as a plain member)."""
    return _review_claim(session, staff, claim_id, ClaimStatus.approved, None, ip)


def reject_claim(session: Session, staff: StaffUser, claim_id: int, reason: str, *, ip: str = "") -> StaffClaim:
    return _review_claim(session, staff, claim_id, ClaimStatus.rejected, reason, ip)
