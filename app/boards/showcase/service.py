from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from app.boards.showcase.models import Achievement, Event
from app.boards.showcase.schemas import (
    AchievementPublic,
    AchievementQuery,
    AchievementSummary,
    EventPublic,
    EventQuery,
    EventSummary,
)
from app.core.listing import common_filters, fields, get_public, json_list_contains, list_public, sort_order
from app.core.models import utcnow
from app.core.timeutil import today_cn


def _achievement(a: sa.Row[Any], schema: type[AchievementSummary] = AchievementSummary) -> Any:
    return schema.model_validate({**fields(a), "price_negotiable": a.price_wan_yuan is None})


def list_achievements(session: Session, q: AchievementQuery) -> dict[str, Any]:
    conds = common_filters(Achievement, q)
    if q.ip_type:
        conds.append(Achievement.ip_type == q.ip_type.value)
    if q.transfer_mode:
        conds.append(json_list_contains(Achievement.transfer_modes, q.transfer_mode.value))
    if q.trl_min is not None:
        conds.append(col(Achievement.trl) >= q.trl_min)
    return list_public(
        session, Achievement, q, conds, sort_order(q.sort, Achievement), AchievementSummary, _achievement
    )


def get_achievement(session: Session, achievement_id: int) -> AchievementPublic:
    return _achievement(get_public(session, Achievement, achievement_id), AchievementPublic)


def _event(e: sa.Row[Any], schema: type[EventSummary] = EventSummary) -> Any:
    open_ = (
        e.starts_at > utcnow()
        and (e.registration_deadline is None or e.registration_deadline >= today_cn())
        and (e.capacity is None or e.registered_count < e.capacity)
    )
    return schema.model_validate({**fields(e), "registration_open": open_})


def _not_over(now: datetime) -> Any:
    # An event is over once it has ended; one without an end time, once it has started. Never NULL, so NOT works.
    return sa.func.coalesce(Event.ends_at, Event.starts_at) >= now


def _order_upcoming(now: datetime) -> list[Any]:
    # Events not over yet, the soonest first; then the ones that are over, the latest first.
    not_over = _not_over(now)
    return [
        sa.case((not_over, 0), else_=1),
        sa.case((not_over, Event.starts_at)).asc(),
        col(Event.starts_at).desc(),
        col(Event.id).desc(),
    ]


def list_events(session: Session, q: EventQuery) -> dict[str, Any]:
    now = utcnow()
    conds = common_filters(Event, q)
    if q.event_type:
        conds.append(Event.event_type == q.event_type.value)
    if q.upcoming is True:
        conds.append(_not_over(now))
    elif q.upcoming is False:
        conds.append(sa.not_(_not_over(now)))
    return list_public(session, Event, q, conds, sort_order(q.sort, Event, _order_upcoming(now)), EventSummary, _event)


def get_event(session: Session, event_id: int) -> EventPublic:
    return _event(get_public(session, Event, event_id), EventPublic)
