"""Helpers of the member-contribution tests: a fake content check, members of verified organisations, staff."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.core.models import Verification
from app.moderation.service import Suggest
from app.notifications.models import Notification
from app.staff.models import StaffRole
from app.staff.service import create_staff, open_session
from tests import factories

RISKY = "违禁词"
REVIEW = "待复核"


def fake_checker(openid: str, text: str) -> Suggest:
    """WeChat's verdict, decided by a marker in the text."""
    if RISKY in text:
        return Suggest.risky
    if REVIEW in text:
        return Suggest.review
    return Suggest.pass_


_codes = iter(range(10_000, 99_999))


def org_member(
    session: Session,
    name: str = "常州大学",
    *,
    org_type: str = "university",
    city: str = "putuo",
    verification: str = Verification.verified,
) -> tuple[Any, Any, dict[str, str]]:
    """A verified organisation and a member acting for it: (org, member, auth headers)."""
    n = next(_codes)
    org = factories.organization(
        session, f"{name}{n}", f"91310107MA1G{n:06d}", org_type=org_type, city_code=city, verification=verification
    )
    member, token = factories.member(session, f"openid-{n}", org=org)
    return org, member, {"Authorization": f"Bearer {token}"}


def plain_member(session: Session) -> tuple[Any, dict[str, str]]:
    n = next(_codes)
    member, token = factories.member(session, f"openid-{n}")
    return member, {"Authorization": f"Bearer {token}"}


def staff_headers(
    session: Session, role: StaffRole = StaffRole.city_admin, city: str | None = "putuo"
) -> dict[str, str]:
    n = next(_codes)
    user = create_staff(session, username=f"staff{n}", password="correct horse battery", role=role, city_code=city)
    token, _ = open_session(session, user)
    session.flush()
    return {"Authorization": f"Bearer {token}"}


def inbox(session: Session, member_id: int) -> list[Notification]:
    return list(
        session.exec(select(Notification).where(Notification.member_id == member_id).order_by(col(Notification.id)))
    )
