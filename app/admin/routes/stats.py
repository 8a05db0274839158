"""统计: counts, the funnel and trends, drawn as inline SVG and CSS bars (nothing from a CDN)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.admin import stats
from app.admin.deps import Perm, require
from app.admin.render import render
from app.core.db import SessionDep
from app.staff.models import StaffUser

router = APIRouter(prefix="/stats")
Viewer = Annotated[StaffUser, Depends(require(Perm.stats))]


@router.get("")
def index(request: Request, user: Viewer, session: SessionDep) -> Response:
    matrix = stats.city_board_counts(session, user)
    funnel = stats.funnel(session, user)
    trends = {**stats.monthly(session, user), **stats.member_monthly(session, user)}
    extra = stats_extra(session, user)
    return render(
        request,
        "stats.html",
        user,
        matrix=matrix,
        funnel=funnel,
        funnel_max=max([v for _, v in funnel] + [1]),
        trends=trends,
        months=stats.months(),
        trend_max=max([v for s in trends.values() for v in s.values()] + [1]),
        city_codes=stats.CITIES,
        contributions=stats.member_contributions(session, user),
        **extra,
    )


def stats_extra(session: SessionDep, user: StaffUser) -> dict[str, Any]:
    """Figures that need the applications of 揭榜挂帅 (city-to-city flow), once they exist."""
    return {"flow": None}
