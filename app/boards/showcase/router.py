from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.boards.showcase import service
from app.boards.showcase.models import Achievement, Event
from app.boards.showcase.schemas import (
    AchievementPublic,
    AchievementQuery,
    AchievementSummary,
    EventPublic,
    EventQuery,
    EventSummary,
)
from app.core.db import SessionDep, read
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

router = APIRouter(prefix="/showcase", tags=["showcase"])


@router.get("/achievements", operation_id="showcase_achievement_list", summary="科技成果列表")
async def list_achievements(session: SessionDep, q: Annotated[AchievementQuery, Query()]) -> Page[AchievementSummary]:
    """按城市、行业、知识产权类型、转化方式（转让、许可、作价入股、合作开发）、最低技术成熟度筛选科技成果；
    价格为空即面议（price_negotiable）。可按最新、热度排序。"""
    return Page[AchievementSummary].model_validate(await read(session, service.list_achievements, q))


@router.get("/achievements/{achievement_id}", operation_id="showcase_achievement_get", summary="科技成果详情")
async def get_achievement(session: SessionDep, views: ViewsDep, achievement_id: ItemId) -> AchievementPublic:
    """成果介绍、图片视频、转化方式、价格与联系人（电话已脱敏）。"""
    return views.seen(Achievement, await read(session, service.get_achievement, achievement_id))


@router.get("/events", operation_id="showcase_event_list", summary="活动列表")
async def list_events(session: SessionDep, q: Annotated[EventQuery, Query()]) -> Page[EventSummary]:
    """科创集市、院所开放日、路演、峰会、对接会等活动，按城市、行业、类型、是否未结束筛选；
    可按最新、开始时间（deadline：最近的在前）、热度排序。"""
    return Page[EventSummary].model_validate(await read(session, service.list_events, q))


@router.get("/events/{event_id}", operation_id="showcase_event_get", summary="活动详情")
async def get_event(session: SessionDep, views: ViewsDep, event_id: ItemId) -> EventPublic:
    """活动时间、地点（GCJ-02 坐标）、名额、报名截止与是否可报名。"""
    return views.seen(Event, await read(session, service.get_event, event_id))
