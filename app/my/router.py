from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import error_responses
from app.core.listing import Page
from app.core.schemas import ItemId
from app.members.dependencies import CurrentMember
from app.my import service
from app.my.schemas import FavoriteCreate, FavoritePublic, FavoriteQuery, InterestCreate, InterestPublic

router = APIRouter(prefix="/me", tags=["my"], responses=error_responses(403, 409))


@router.post("/favorites", operation_id="my_favorite_add", summary="收藏", status_code=201)
def add_favorite(body: FavoriteCreate, member: CurrentMember, session: WriteSessionDep) -> FavoritePublic:
    """收藏任一板块的公开条目（board + item_id）；不存在或未公开的条目返回 404，重复收藏返回原收藏。"""
    fav = service.add_favorite(session, member, body.board, body.item_id)
    session.commit()
    return service.favorite_view(session, fav)


@router.get("/favorites", operation_id="my_favorite_list", summary="我的收藏")
def list_favorites(
    member: CurrentMember, session: SessionDep, q: Annotated[FavoriteQuery, Query()]
) -> Page[FavoritePublic]:
    """我的收藏，最新在前；可按板块筛选，或按 board + item_id 查某条是否已收藏。已下线的条目标为不可用。"""
    return Page[FavoritePublic].model_validate(service.list_favorites(session, member, q))


@router.delete("/favorites/{favorite_id}", operation_id="my_favorite_remove", summary="取消收藏", status_code=204)
def remove_favorite(favorite_id: ItemId, member: CurrentMember, session: WriteSessionDep) -> None:
    """取消本人的一条收藏；他人的收藏返回 404。"""
    service.remove_favorite(session, member, favorite_id)
    session.commit()


@router.post("/subscriptions", operation_id="my_subscription_add", summary="订阅关键词、行业或城市", status_code=201)
def add_subscription(body: InterestCreate, member: CurrentMember, session: WriteSessionDep) -> InterestPublic:
    """订阅关键词（至少 2 个字）、行业代码或城市代码；有符合的新榜单或新政策公开时收到站内消息。最多 30 项。"""
    row = service.add_interest(session, member, body)
    session.commit()
    return InterestPublic.model_validate(row)


@router.get("/subscriptions", operation_id="my_subscription_list", summary="我的订阅")
def list_subscriptions(member: CurrentMember, session: SessionDep) -> list[InterestPublic]:
    """本人订阅的关键词、行业与城市。"""
    return service.list_interests(session, member)


@router.delete(
    "/subscriptions/{subscription_id}", operation_id="my_subscription_remove", summary="取消订阅", status_code=204
)
def remove_subscription(subscription_id: ItemId, member: CurrentMember, session: WriteSessionDep) -> None:
    """取消本人的一项订阅；他人的订阅返回 404。"""
    service.remove_interest(session, member, subscription_id)
    session.commit()
