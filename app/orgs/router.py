from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.audit.service import record
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import NotFound, error_responses
from app.core.listing import Page
from app.core.models import Verification
from app.core.schemas import ItemId
from app.core.security import client_ip
from app.members.dependencies import CurrentMember, OptionalMember
from app.members.schemas import ActingOrgSelect, MeProfile
from app.members.service import profile
from app.orgs import service
from app.orgs.models import Organization
from app.orgs.schemas import (
    ClaimPublic,
    MyOrgs,
    OrgClaimCreate,
    OrgCreate,
    OrgPrivate,
    OrgPublic,
    OrgUpdate,
    RejectBody,
    StaffClaim,
    StaffClaimQuery,
    StaffOrg,
    StaffOrgQuery,
)
from app.staff.dependencies import StaffReviewer

router = APIRouter(tags=["orgs"], responses=error_responses(403, 409))


@router.post("/orgs", operation_id="orgs_register", summary="登记机构", status_code=201)
def register(body: OrgCreate, member: CurrentMember, request: Request, session: WriteSessionDep) -> OrgPrivate:
    """会员以统一社会信用代码（校验末位校验码）、类型、城市登记机构，成为其管理员；工作人员认证通过后方可代表机构发榜、揭榜。
    代码已登记时返回 409 org_exists，请改为申请加入。"""
    org = service.register_org(session, member, body)
    record(
        session,
        actor_type="member",
        actor_id=member.id,
        city_code=org.city_code,
        action="org.register",
        object_type="organization",
        object_id=org.id,
        ip=client_ip(request),
    )
    session.commit()
    return service.private_view(org, "admin")


@router.post("/orgs/claims", operation_id="orgs_claim", summary="申请加入机构", status_code=201)
def claim(body: OrgClaimCreate, member: CurrentMember, session: WriteSessionDep) -> ClaimPublic:
    """按统一社会信用代码申请加入已登记的机构，工作人员审核通过后成为机构成员。一个机构可有多名成员。"""
    row = service.claim_org(session, member, body.credit_code, body.note)
    name = session.get(Organization, row.org_id)
    session.commit()
    return service.claim_view(row, name.name if name else "")


@router.get("/orgs/mine", operation_id="orgs_mine", summary="我的机构")
def mine(member: CurrentMember, session: SessionDep) -> MyOrgs:
    """我所属的机构（含认证状态、驳回理由）、我的加入申请，以及当前代表的机构。"""
    orgs, claims = service.my_orgs(session, member)
    return MyOrgs(acting_org_id=member.acting_org_id, orgs=orgs, claims=claims)


@router.get("/orgs/{org_id}", operation_id="orgs_get", summary="机构详情")
def get_org(org_id: ItemId, member: OptionalMember, session: SessionDep) -> OrgPublic | OrgPrivate:
    """已认证机构的公开信息；机构自己的成员另可看到信用代码、认证状态与驳回理由。"""
    if member is not None:
        mship = service.membership(session, member.id, org_id)  # type: ignore[arg-type]
        if mship is not None:
            org = session.get(Organization, org_id)
            if org is not None:
                return service.private_view(org, mship.role)
    org = session.get(Organization, org_id)
    if org is None or org.verification != Verification.verified:
        raise NotFound("机构不存在", code="org_not_found")
    return OrgPublic.model_validate(org)


@router.patch("/orgs/{org_id}", operation_id="orgs_update", summary="修改机构信息")
def update(org_id: ItemId, body: OrgUpdate, member: CurrentMember, session: WriteSessionDep) -> OrgPrivate:
    """机构管理员修改机构信息。已认证机构的名称、类型、城市不可改；被驳回的机构修改后重新进入待审核。"""
    org = service.update_org(session, member, org_id, body)
    session.commit()
    return service.private_view(org, "admin")


@router.put("/me/acting-org", operation_id="orgs_select_acting", summary="切换代表的机构")
def select_acting(body: ActingOrgSelect, member: CurrentMember, session: WriteSessionDep) -> MeProfile:
    """选择当前代表的机构（须为本人所属且已认证的机构），之后的发榜、揭榜均以该机构名义。"""
    me = service.set_acting_org(session, member, body.org_id)
    session.commit()
    return profile(session, me)


# -- staff -----------------------------------------------------------------------------------------------------------

staff_router = APIRouter(prefix="/staff", tags=["staff-orgs"], responses=error_responses(409))


@staff_router.get("/orgs", operation_id="staff_orgs_list", summary="机构认证列表")
def staff_list(staff: StaffReviewer, session: WriteSessionDep, q: Annotated[StaffOrgQuery, Query()]) -> Page[StaffOrg]:
    """按认证状态、城市、名称或信用代码筛选机构；市级工作人员只能看到本市机构。"""
    return Page[StaffOrg].model_validate(service.staff_list_orgs(session, staff, q))


@staff_router.get("/orgs/{org_id}", operation_id="staff_orgs_get", summary="机构认证详情")
def staff_get(org_id: ItemId, staff: StaffReviewer, session: WriteSessionDep) -> StaffOrg:
    """机构全部信息与成员数；其他城市的机构返回 404。"""
    return service.staff_org_view(session, service.staff_get_org(session, staff, org_id))


@staff_router.post("/orgs/{org_id}/verify", operation_id="staff_orgs_verify", summary="认证通过")
def staff_verify(org_id: ItemId, staff: StaffReviewer, request: Request, session: WriteSessionDep) -> StaffOrg:
    """待审核 → 已认证；通知机构成员。非待审核状态返回 409 org_not_pending。"""
    org = service.verify_org(session, staff, org_id, ip=client_ip(request))
    session.commit()
    return service.staff_org_view(session, org)


@staff_router.post("/orgs/{org_id}/reject", operation_id="staff_orgs_reject", summary="驳回认证")
def staff_reject(
    org_id: ItemId, body: RejectBody, staff: StaffReviewer, request: Request, session: WriteSessionDep
) -> StaffOrg:
    """待审核 → 已驳回（附理由，通知机构成员）；机构管理员修改后重新提交。"""
    org = service.reject_org(session, staff, org_id, body.reason, ip=client_ip(request))
    session.commit()
    return service.staff_org_view(session, org)


@staff_router.get("/org-claims", operation_id="staff_org_claims_list", summary="加入机构申请列表")
def staff_claims(
    staff: StaffReviewer, session: WriteSessionDep, q: Annotated[StaffClaimQuery, Query()]
) -> Page[StaffClaim]:
    """会员申请加入已登记机构的列表，默认只列待审核的；市级工作人员只能看到本市机构的申请。"""
    return Page[StaffClaim].model_validate(service.staff_list_claims(session, staff, q))


@staff_router.post("/org-claims/{claim_id}/approve", operation_id="staff_org_claims_approve", summary="同意加入")
def staff_claim_approve(
    claim_id: ItemId, staff: StaffReviewer, request: Request, session: WriteSessionDep
) -> StaffClaim:
    """同意会员加入机构（成为普通成员），通知会员。"""
    view = service.approve_claim(session, staff, claim_id, ip=client_ip(request))
    session.commit()
    return view


@staff_router.post("/org-claims/{claim_id}/reject", operation_id="staff_org_claims_reject", summary="驳回加入申请")
def staff_claim_reject(
    claim_id: ItemId, body: RejectBody, staff: StaffReviewer, request: Request, session: WriteSessionDep
) -> StaffClaim:
    """驳回会员的加入申请（附理由，通知会员）。"""
    view = service.reject_claim(session, staff, claim_id, body.reason, ip=client_ip(request))
    session.commit()
    return view
