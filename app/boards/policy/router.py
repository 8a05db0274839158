from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.boards.policy import service
from app.boards.policy.models import Policy
from app.boards.policy.schemas import PolicyPublic, PolicyQuery, PolicySummary
from app.core.db import SessionDep, read
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

router = APIRouter(prefix="/policy", tags=["policy"])


@router.get("/policies", operation_id="policy_list", summary="政策列表")
async def list_policies(session: SessionDep, q: Annotated[PolicyQuery, Query()]) -> Page[PolicySummary]:
    """按城市、级别、类别、行业、有效状态筛选政策；可按最新、截止时间、热度排序。"""
    return Page[PolicySummary].model_validate(await read(session, service.list_policies, q))


@router.get("/policies/{policy_id}", operation_id="policy_get", summary="政策详情")
async def get_policy(session: SessionDep, views: ViewsDep, policy_id: ItemId) -> PolicyPublic:
    """政策全文、申报条件、附件与原文链接。"""
    return views.seen(Policy, await read(session, service.get_policy, policy_id))
