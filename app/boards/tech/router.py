from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.boards.tech import service
from app.boards.tech.models import Alliance, TechManager
from app.boards.tech.schemas import (
    AlliancePublic,
    AllianceQuery,
    AllianceSummary,
    TechManagerPublic,
    TechManagerQuery,
    TechManagerSummary,
)
from app.core.db import SessionDep, read
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

# The 揭榜挂帅 demands are served by app.demands under the same tag.
router = APIRouter(prefix="/tech", tags=["tech"])


@router.get("/managers", operation_id="tech_manager_list", summary="技术经理人列表")
async def list_managers(session: SessionDep, q: Annotated[TechManagerQuery, Query()]) -> Page[TechManagerSummary]:
    """按城市、行业、擅长领域关键词查找技术经理人；可按最新、热度排序。"""
    return Page[TechManagerSummary].model_validate(await read(session, service.list_managers, q))


@router.get("/managers/{manager_id}", operation_id="tech_manager_get", summary="技术经理人详情")
async def get_manager(session: SessionDep, views: ViewsDep, manager_id: ItemId) -> TechManagerPublic:
    """技术经理人的简介、证书编号、擅长领域与联系电话（已脱敏）。"""
    return views.seen(TechManager, await read(session, service.get_manager, manager_id))


@router.get("/alliances", operation_id="tech_alliance_list", summary="链式联盟列表")
async def list_alliances(session: SessionDep, q: Annotated[AllianceQuery, Query()]) -> Page[AllianceSummary]:
    """按城市、行业、产业链（如一院一链的新能源、新材料、司法鉴定、机器人、地理信息测绘）筛选链式联盟。"""
    return Page[AllianceSummary].model_validate(await read(session, service.list_alliances, q))


@router.get("/alliances/{alliance_id}", operation_id="tech_alliance_get", summary="链式联盟详情")
async def get_alliance(session: SessionDep, views: ViewsDep, alliance_id: ItemId) -> AlliancePublic:
    """联盟简介、牵头单位与成员单位（名称、角色、城市）。"""
    return views.seen(Alliance, await read(session, service.get_alliance, alliance_id))
