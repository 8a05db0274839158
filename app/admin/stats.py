"""Statistics for the console: counts per city × board, the 揭榜挂帅 funnel, monthly trends; all city-scoped."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app.admin.deps import scope_conds
from app.core.models import utcnow
from app.core.schemas import CityCode
from app.core.timeutil import CHINA
from app.demands.models import Demand, DemandStatus
from app.home.service import BOARDS, _public
from app.staff.models import StaffUser

CITIES = [c.value for c in CityCode]


def city_board_counts(session: Session, user: StaffUser) -> dict[str, dict[str, int]]:
    """{board name: {city: public records}} over every table of each board."""
    out: dict[str, dict[str, int]] = {}
    for _, name, models in BOARDS:
        counts: Counter[str] = Counter()
        for model in models:
            rows = session.exec(
                select(model.city_code, func.count())
                .where(*_public(model), *scope_conds(user, model))
                .group_by(model.city_code)
            ).all()
            for city, n in rows:
                counts[city] += int(n)
        out[name] = {c: counts.get(c, 0) for c in CITIES}
    return out


def funnel(session: Session, user: StaffUser) -> list[tuple[str, int]]:
    """发榜 → 发布 → 有人揭榜 → 签约 → 验收, counted over demands of the user's city."""
    s = DemandStatus
    posted = col(Demand.status).notin_([s.draft])
    published = col(Demand.status).in_([s.published, s.closed, s.awarded, s.completed])
    awarded = col(Demand.status).in_([s.awarded, s.completed])
    row = (
        session.connection()
        .execute(
            sa.select(
                func.count().filter(posted),
                func.count().filter(published),
                func.count().filter(sa.and_(published, col(Demand.application_count) > 0)),
                func.count().filter(awarded),
                func.count().filter(col(Demand.status) == s.completed),
            )
            .select_from(Demand)
            .where(*scope_conds(user, Demand))
        )
        .one()
    )
    names = ["发榜", "发布", "有人揭榜", "签约/攻关", "验收"]
    return [(n, int(v or 0)) for n, v in zip(names, row, strict=True)]


def months(n: int = 12) -> list[str]:
    now = datetime.now(CHINA)
    out = []
    y, m = now.year, now.month
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def monthly(session: Session, user: StaffUser, n: int = 12) -> dict[str, dict[str, int]]:
    """{series: {YYYY-MM: new records}} for the last n months: demands and each board's records."""
    keys = months(n)
    since = utcnow() - timedelta(days=31 * n)
    series: dict[str, Any] = {"榜单": [Demand]}
    for _, name, models in BOARDS:
        series.setdefault(name, [])
        series[name] += [m for m in models if m is not Demand]
    out: dict[str, dict[str, int]] = {}
    for name, models in series.items():
        counts: Counter[str] = Counter()
        for model in models:
            for at in session.exec(
                select(model.created_at).where(model.created_at >= since, *scope_conds(user, model))
            ).all():
                counts[at.astimezone(CHINA).strftime("%Y-%m")] += 1
        if models:
            out[name] = {k: counts.get(k, 0) for k in keys}
    return out
