"""Filtering, sorting and paging for the public lists of every board."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from app.core.errors import NotFound
from app.core.models import Publication, Verification
from app.core.schemas import CityCode, RequestModel

T = TypeVar("T")

MAX_PAGE_SIZE = 50


class Sort(StrEnum):
    newest = "newest"
    popular = "popular"


class DeadlineSort(StrEnum):
    newest = "newest"
    deadline = "deadline"
    popular = "popular"


class ListQuery(RequestModel):
    city: CityCode | None = Field(default=None, description="城市代码")
    industry: str | None = Field(default=None, max_length=32, description="行业代码")
    page: int = Field(default=1, ge=1, le=10_000, description="页码，从 1 开始")
    page_size: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 50")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    has_more: bool


def public_reviewed(model: Any) -> list[Any]:
    """Conditions for a reviewed record to be public: published by its owner and verified by staff."""
    return [model.publication == Publication.published, model.verification == Verification.verified]


def common_filters(model: Any, q: ListQuery) -> list[Any]:
    conds = []
    if q.city:
        conds.append(model.city_code == q.city.value)
    if q.industry:
        conds.append(model.industry_code == q.industry)
    return conds


def paginate(session: Session, stmt: Any, q: ListQuery, order_by: list[Any]) -> tuple[list[Any], int]:
    total = session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one()
    offset = (q.page - 1) * q.page_size
    if q.page > 1 and offset >= total:
        raise NotFound("已经到底了，没有更多内容", code="page_out_of_range", detail={"total": total})
    rows = list(session.exec(stmt.order_by(*order_by).offset(offset).limit(q.page_size)).all())
    return rows, total


def to_page(items: list[Any], total: int, q: ListQuery) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "page": q.page,
        "page_size": q.page_size,
        "has_more": q.page * q.page_size < total,
    }


def order_newest(model: Any) -> list[Any]:
    return [model.published_at.desc(), model.id.desc()]


def order_popular(model: Any) -> list[Any]:
    return [model.view_count.desc(), model.id.desc()]


def order_deadline(column: Any, model: Any) -> list[Any]:
    # Soonest first; records without a deadline go last on both databases.
    return [sa.case((column.is_(None), 1), else_=0), column.asc(), model.id.desc()]


def get_public(session: Session, model: Any, item_id: int, *extra: Any) -> Any:
    row = session.exec(select(model).where(model.id == item_id, *public_reviewed(model), *extra)).first()
    if row is None:
        raise NotFound()
    return row
