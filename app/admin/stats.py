"""Statistics for the console: counts per city × board, the 揭榜挂帅 funnel, monthly trends; all city-scoped."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app.admin.deps import scope_conds
from app.boards.finance.models import FinancingNeed
from app.boards.showcase.models import Achievement, Event
from app.boards.talent.models import Job
from app.boards.tech.models import TechManager
from app.contrib.models import EventRegistration, Interest, RegistrationStatus
from app.core.models import RecordSource, Verification, utcnow
from app.core.schemas import CityCode
from app.core.timeutil import CHINA
from app.demands.models import Demand, DemandStatus
from app.home.service import BOARDS, _public
from app.managers.models import DemandAssignment, FollowUp
from app.staff.models import StaffUser
from app.staff.service import city_scope

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


# ---------------------------------------------------------------- what members contribute (issue: 会员共建)


def _member_kinds() -> list[tuple[str, Any, Any, list[Any]]]:
    """(name, table, city column, the statement's FROM with joins and conditions) of every kind of member
    contribution. Board records count only those members wrote (bureaus' and staff's are in the board counts);
    registrations, interest and follow-ups are all members'. Their city is the city of what they concern."""
    by_member: list[tuple[str, Any]] = [
        ("科技成果", Achievement),
        ("融资需求", FinancingNeed),
        ("招聘岗位", Job),
        ("技术经理人", TechManager),
    ]
    kinds: list[tuple[str, Any, Any, list[Any]]] = [
        (name, model, model.city_code, [model.source == RecordSource.member]) for name, model in by_member
    ]
    kinds.append(("感兴趣/投资意向", Interest, Interest.city_code, []))
    kinds.append(
        ("活动报名", EventRegistration, Event.city_code, [EventRegistration.status == RegistrationStatus.registered])
    )
    kinds.append(("跟进记录", FollowUp, Demand.city_code, []))
    return kinds


def _member_from(model: Any, stmt: Any) -> Any:
    if model is EventRegistration:
        return stmt.select_from(EventRegistration).join(Event, col(Event.id) == col(EventRegistration.event_id))
    if model is FollowUp:
        return (
            stmt.select_from(FollowUp)
            .join(DemandAssignment, col(DemandAssignment.id) == col(FollowUp.assignment_id))
            .join(Demand, col(Demand.id) == col(DemandAssignment.demand_id))
        )
    return stmt.select_from(model)


def _city_scope(user: StaffUser, city_column: Any) -> list[Any]:
    return [city_column == c for c in [city_scope(user)] if c is not None]


def member_contributions(session: Session, user: StaffUser) -> list[dict[str, Any]]:
    """Per kind of member contribution: {name, cities: {city: n}, total, pending (waiting for staff)}, counted
    within the user's city."""
    out = []
    for name, model, city_column, conds in _member_kinds():
        pending = model.verification == Verification.pending if hasattr(model, "verification") else sa.false()
        stmt = _member_from(
            model, sa.select(city_column, func.count(), func.count().filter(pending)).group_by(city_column)
        ).where(*conds, *_city_scope(user, city_column))
        counts: Counter[str] = Counter()
        waiting = 0
        for city, n, p in session.connection().execute(stmt):
            counts[city] += int(n)
            waiting += int(p or 0)
        cities = {c: counts.get(c, 0) for c in CITIES}
        out.append({"name": name, "cities": cities, "total": sum(cities.values()), "pending": waiting})
    return out


def member_monthly(session: Session, user: StaffUser, n: int = 12) -> dict[str, dict[str, int]]:
    """{"会员提交": {YYYY-MM: new contributions of every kind}} for the last n months."""
    keys = months(n)
    since = utcnow() - timedelta(days=31 * n)
    counts: Counter[str] = Counter()
    for _, model, city_column, conds in _member_kinds():
        stmt = _member_from(model, sa.select(model.created_at)).where(
            model.created_at >= since, *conds, *_city_scope(user, city_column)
        )
        for (at,) in session.connection().execute(stmt):
            counts[at.astimezone(CHINA).strftime("%Y-%m")] += 1
    return {"会员提交": {k: counts.get(k, 0) for k in keys}}
