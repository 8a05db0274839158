"""Who is at the console and what the role allows; the city a user is confined to."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request

from app.core.errors import Forbidden, NotFound
from app.staff.dependencies import get_current_staff
from app.staff.models import StaffRole, StaffUser
from app.staff.service import city_scope


class Perm(StrEnum):
    boards = "boards"  # edit the boards, banners; publish and unpublish
    review = "review"  # the review queues
    export = "export"  # Excel export and import
    stats = "stats"
    audit = "audit"  # read the audit log
    bureaus = "bureaus"  # bureaus and their API keys
    staff = "staff"  # staff accounts


ADMINS = {StaffRole.district_admin, StaffRole.city_admin}
ROLE_PERMS: dict[str, set[Perm]] = {
    StaffRole.district_admin: set(Perm),
    StaffRole.city_admin: {Perm.boards, Perm.review, Perm.export, Perm.stats, Perm.audit, Perm.bureaus},
    StaffRole.reviewer: {Perm.review},
    StaffRole.auditor: {Perm.audit},
}
ROLE_LABELS = {
    StaffRole.district_admin: "区管理员",
    StaffRole.city_admin: "市管理员",
    StaffRole.reviewer: "审核员",
    StaffRole.auditor: "审计员",
}


def console_user(request: Request, user: Annotated[StaffUser, Depends(get_current_staff)]) -> StaffUser:
    request.state.staff = user  # error pages keep the navigation
    return user


ConsoleUser = Annotated[StaffUser, Depends(console_user)]


def can(user: StaffUser, perm: Perm) -> bool:
    return perm in ROLE_PERMS.get(user.role, set())


def require(perm: Perm) -> Callable[[StaffUser], StaffUser]:
    def check(user: ConsoleUser) -> StaffUser:
        if not can(user, perm):
            raise Forbidden("当前角色无权访问此页面", code="role_forbidden")
        return user

    return check


def scope_conds(user: StaffUser, model: Any, column: str = "city_code") -> list[Any]:
    """The WHERE conditions that confine a query to the user's city (none for district staff)."""
    city = city_scope(user)
    return [] if city is None else [getattr(model, column) == city]


def check_city(user: StaffUser, city_code: str | None) -> None:
    """A row of another city is 'not found' for a city's staff: they never learn it exists."""
    city = city_scope(user)
    if city is not None and city_code != city:
        raise NotFound()


def allowed_city(user: StaffUser, wanted: str | None) -> str | None:
    """The city a filter or a new record may use: a city's staff get their own whatever they ask."""
    city = city_scope(user)
    return city if city is not None else (wanted or None)
