"""Filtering, sorting and paging for the public lists of every board."""

from __future__ import annotations

import json
from collections.abc import Callable
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


def list_public(
    session: Session,
    model: Any,
    q: ListQuery,
    conds: list[Any],
    order: list[Any],
    convert: Callable[[Any], Any],
) -> dict[str, Any]:
    """One page of the public (published + verified) rows of `model` that meet `conds`, each passed to `convert`."""
    rows, total = paginate(session, select(model).where(*public_reviewed(model), *conds), q, order)
    return to_page([convert(r) for r in rows], total, q)


_LIKE_ESCAPE = "!"


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def text_contains(column: Any, keyword: str) -> Any:
    """Case-insensitive substring match with the LIKE wildcards of the keyword taken literally."""
    return column.ilike(f"%{_like_escape(keyword)}%", escape=_LIKE_ESCAPE)


def _json_forms(text: str) -> list[str]:
    # How a string sits inside a JSON document: written as-is, or with \\u escapes (json.dumps' default).
    return sorted({json.dumps(text, ensure_ascii=False), json.dumps(text)})


def json_list_contains(column: Any, value: str) -> Any:
    """A JSON list column has `value` as one of its elements.

    A LIKE on the column's JSON text for the quoted element: the same SQL on SQLite and PostgreSQL, inside the
    query, so paging and totals stay right.
    """
    as_text = sa.cast(column, sa.Text)
    return sa.or_(*(as_text.like(f"%{_like_escape(f)}%", escape=_LIKE_ESCAPE) for f in _json_forms(value)))


def json_list_mentions(column: Any, keyword: str) -> Any:
    """Some element of a JSON list column contains `keyword` (case-insensitive)."""
    as_text = sa.cast(column, sa.Text)
    forms = [f[1:-1] for f in _json_forms(keyword)]
    return sa.or_(*(as_text.ilike(f"%{_like_escape(f)}%", escape=_LIKE_ESCAPE) for f in forms))


def order_newest(model: Any) -> list[Any]:
    return [model.published_at.desc(), model.id.desc()]


def order_popular(model: Any) -> list[Any]:
    return [model.view_count.desc(), model.id.desc()]


def order_deadline(column: Any, model: Any) -> list[Any]:
    # Soonest first; records without a deadline go last on both databases.
    return [sa.case((column.is_(None), 1), else_=0), column.asc(), model.id.desc()]


def sort_order(sort: Sort | DeadlineSort, model: Any, deadline: list[Any] | None = None) -> list[Any]:
    """ORDER BY for the list sorts; `deadline` is the board's own "soonest first" order."""
    if sort == DeadlineSort.popular:
        return order_popular(model)
    if sort == DeadlineSort.deadline and deadline is not None:
        return deadline
    return order_newest(model)


def get_public(session: Session, model: Any, item_id: int, *extra: Any) -> Any:
    row = session.exec(select(model).where(model.id == item_id, *public_reviewed(model), *extra)).first()
    if row is None:
        raise NotFound()
    return row
