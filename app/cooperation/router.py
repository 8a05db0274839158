from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.cooperation import service
from app.cooperation.models import CooperationItem
from app.cooperation.schemas import CooperationPublic, CooperationQuery, CooperationSummary
from app.core.db import SessionDep
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

router = APIRouter(prefix="/cooperation", tags=["cooperation"])


@router.get("/items", operation_id="cooperation_item_list", summary="合作清单")
def list_items(session: SessionDep, q: Annotated[CooperationQuery, Query()]) -> Page[CooperationSummary]:
    """城市之间的合作（产业链合作、跨区域业务、联合活动），按城市（牵头或参与）、行业、合作类型、
    时态（过去时/进行时/未来时）筛选；可按最新、热度排序。"""
    return Page[CooperationSummary].model_validate(service.list_items(session, q))


@router.get("/items/{item_id}", operation_id="cooperation_item_get", summary="合作事项详情")
def get_item(session: SessionDep, views: ViewsDep, item_id: ItemId) -> CooperationPublic:
    """合作事项的介绍、参与城市与单位、起止日期。"""
    return views.seen(CooperationItem, service.get_item(session, item_id))
