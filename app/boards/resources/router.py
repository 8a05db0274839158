from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.boards.resources import service
from app.boards.resources.models import Resource
from app.boards.resources.schemas import ResourcePublic, ResourceQuery, ResourceSummary
from app.core.db import SessionDep, read
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

router = APIRouter(prefix="/resources", tags=["resources"])


@router.get("/resources", operation_id="resources_resource_list", summary="资源列表")
async def list_resources(session: SessionDep, q: Annotated[ResourceQuery, Query()]) -> Page[ResourceSummary]:
    """按城市、行业、资源类型（高校、科研院所、科研平台、概念验证中心、孵化器、园区、大型仪器、载体空间）、平台级别、
    区县筛选共享资源；可按最新、热度排序。含 GCJ-02 坐标，可直接上图。"""
    return Page[ResourceSummary].model_validate(await read(session, service.list_resources, q))


@router.get("/resources/{resource_id}", operation_id="resources_resource_get", summary="资源详情")
async def get_resource(session: SessionDep, views: ViewsDep, resource_id: ItemId) -> ResourcePublic:
    """资源的能力、开放服务、载体面积与租金、免租条件及联系人（电话已脱敏）。"""
    return views.seen(Resource, await read(session, service.get_resource, resource_id))
