from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import select

from app.core.db import SessionDep
from app.core.errors import Forbidden, raises
from app.core.models import Verification
from app.members.dependencies import CurrentMember
from app.members.models import OrgMembership
from app.orgs.models import Organization


@raises(403)
def get_acting_org(member: CurrentMember, session: SessionDep) -> Organization:
    """The verified organisation the member acts for: required for 发榜, 揭榜 and every other posting."""
    if member.acting_org_id is None:
        raise Forbidden("请先完成机构认证", code="org_required")
    org = session.exec(
        select(Organization)
        .join(OrgMembership)
        .where(
            Organization.id == member.acting_org_id,
            OrgMembership.member_id == member.id,
        )
    ).first()
    if org is None:
        raise Forbidden("请先完成机构认证", code="org_required")
    if org.verification != Verification.verified:
        raise Forbidden("机构认证尚未通过", code="org_not_verified")
    return org


ActingOrg = Annotated[Organization, Depends(get_acting_org)]
