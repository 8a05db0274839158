"""Small builders for board records in tests; each returns a flushed row."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.boards.policy.models import Policy
from app.core.models import Publication, Verification, utcnow


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def policy(session: Session, **kw: Any) -> Policy:
    data: dict[str, Any] = dict(
        title="普陀区关于支持科技创新的若干政策",
        issuer="上海市普陀区科学技术委员会",
        level="district",
        category="subsidy",
        city_code="putuo",
        summary="对研发投入给予补贴",
        full_text="第一条 ……",
        valid_to=date.today() + timedelta(days=365),
        published_at=utcnow(),
        publication=Publication.published,
        verification=Verification.verified,
    )
    data.update(kw)
    return add(session, Policy(**data))  # type: ignore[no-any-return]


def member(session: Session, openid: str, *, org: Any = None, role: str = "admin") -> tuple[Any, str]:
    """A logged-in member (and, with `org`, acting for it); returns (member, bearer token)."""
    from app.core.security import new_token, token_digest
    from app.members.models import Member, MemberSession, OrgMembership

    m = add(session, Member(openid=openid, privacy_version="1.0", privacy_consented_at=utcnow()))
    if org is not None:
        add(session, OrgMembership(member_id=m.id, org_id=org.id, role=role))
        m.acting_org_id = org.id
        add(session, m)
    token = new_token("mbr")
    add(session, MemberSession(token_hash=token_digest(token), member_id=m.id, expires_at=utcnow() + timedelta(days=7)))
    return m, token


def organization(session: Session, name: str, credit_code: str, **kw: Any) -> Any:
    from app.orgs.models import Organization

    data: dict[str, Any] = dict(
        name=name, credit_code=credit_code, org_type="enterprise", city_code="putuo", verification=Verification.verified
    )
    data.update(kw)
    return add(session, Organization(**data))
