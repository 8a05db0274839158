from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.core.schemas import PublicModel, RequestModel
from app.my.boards import BoardKind
from app.my.models import InterestKind


class FavoriteCreate(RequestModel):
    board: BoardKind = Field(description="条目类型，如 policy、resource、demand、achievement")
    item_id: int = Field(ge=1, le=2_147_483_647)


class FavoritePublic(PublicModel):
    id: int
    board: BoardKind
    item_id: int
    title: str
    city_code: str | None
    # False once the item is no longer public (withdrawn, expired review …): shown greyed out.
    available: bool
    created_at: datetime


class FavoriteQuery(RequestModel):
    board: BoardKind | None = None
    item_id: int | None = Field(default=None, ge=1, le=2_147_483_647, description="查某一条是否已收藏")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=50)


class InterestCreate(RequestModel):
    kind: InterestKind = Field(description="keyword 关键词 / industry 行业代码 / city 城市代码")
    value: str = Field(min_length=1, max_length=32)


class InterestPublic(PublicModel):
    id: int
    kind: InterestKind
    value: str
    created_at: datetime
