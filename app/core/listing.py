"""Filtering, sorting and paging for the public lists of every board."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlmodel import Session, func, select

from app.core.errors import Invalid, NotFound
from app.core.models import Publication, Verification
from app.core.schemas import CityCode, RequestModel

T = TypeVar("T")

MAX_PAGE_SIZE = 50
# Public lists count their rows up to this many: counting every row of a 100,000-row board costs more than the
# page itself (70 ms on PostgreSQL at 1,000,000 records; 10,000 rows through a filter no index covers, 200 ms;
# even 1,000 rows through such a filter read ~800 table pages, 2–5 ms, the largest part of a list's database time),
# and nobody pages that far by number (infinite scroll uses the cursor): ten pages of 20.
COUNT_CAP = 200


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
    cursor: str | None = Field(
        default=None,
        max_length=512,
        description="游标翻页（无限滚动）：第一屏传空字符串，之后传上一页的 next_cursor；传 cursor 时忽略 page",
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int | None = Field(description="总条数；按游标翻页时为空；total_exact 为 false 时是下限（只数到 200 条）")
    total_exact: bool = Field(default=True, description="total 是否为精确值")
    page: int
    page_size: int
    has_more: bool
    next_cursor: str | None = Field(default=None, description="按游标翻页时，取下一页所用的游标；没有更多时为空")


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


def page_out_of_range(total: int) -> NotFound:
    """The error of a page past the end of a list of `total` (a lower bound when the count stopped at its cap)."""
    return NotFound("已经到底了，没有更多内容", code="page_out_of_range", detail={"total": total})


def paginate(session: Session, stmt: Any, q: ListQuery, order_by: list[Any]) -> tuple[list[Any], int]:
    total = session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one()
    offset = (q.page - 1) * q.page_size
    if q.page > 1 and offset >= total:
        raise page_out_of_range(total)
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


@cache
def summary_columns(model: Any, summary: type[BaseModel], *also: str) -> tuple[Any, ...]:
    """The columns of `model` that `summary` shows, and `also` those a converter reads besides: what a list reads,
    without full texts, contacts or attachments. Fixed per list, so worked out once."""
    wanted = set(summary.model_fields) | set(also)
    return tuple(c for c in model.__table__.columns if c.name in wanted)


def list_public(
    session: Session,
    model: Any,
    q: ListQuery,
    conds: list[Any],
    order: list[Any],
    summary: type[BaseModel],
    convert: Callable[[Any], Any] | None = None,
    also: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One page of the public (published + verified) rows of `model` that meet `conds`, as `summary`: each row (its
    `summary_columns`) passed to `convert`, by default `summary.model_validate`."""
    where = [*public_reviewed(model), *conds]
    columns = summary_columns(model, summary, *also)
    return page_of(session, model, where, q, order, convert or summary.model_validate, columns)


def page_of(
    session: Session,
    model: Any,
    where: list[Any],
    q: ListQuery,
    order: list[Any],
    convert: Callable[[Any], Any],
    columns: Sequence[Any],
) -> dict[str, Any]:
    """One page of the rows of `model` that meet `where`: after `q.cursor` when one is given (keyset), else page
    `q.page` with a total counted up to `COUNT_CAP`. `convert` gets each row as a Core row of `columns` (the keyset
    path adds its sort keys): a list needs no ORM object, which costs more to build than the row costs to read."""
    if q.cursor is not None:
        rows, next_cursor = paginate_keyset(session, where, q, order, columns)
        return {
            "items": [convert(r) for r in rows],
            "total": None,
            "page": 1,
            "page_size": q.page_size,
            "has_more": next_cursor is not None,
            "next_cursor": next_cursor,
        }
    offset = (q.page - 1) * q.page_size
    stmt = sa.select(*columns).where(*where).order_by(*order).offset(offset).limit(q.page_size + 1)
    if q.page == 1:
        page = session.connection().execute(stmt).all()
        # A first page with room to spare is the whole list: it is its own count.
        counted = len(page) if len(page) <= q.page_size else count_upto(session, model, where, COUNT_CAP)
        total, exact = min(counted, COUNT_CAP), counted <= COUNT_CAP
    else:
        counted = count_upto(session, model, where, COUNT_CAP)
        total, exact = min(counted, COUNT_CAP), counted <= COUNT_CAP
        if exact and offset >= total:
            raise page_out_of_range(total)
        page = session.connection().execute(stmt).all()
        if not page:  # past the end of a list longer than the count went
            raise page_out_of_range(total)
    return {
        "items": [convert(r) for r in page[: q.page_size]],
        "total": total,
        "total_exact": exact,
        "page": q.page,
        "page_size": q.page_size,
        "has_more": len(page) > q.page_size,
    }


def count_upto(session: Session, model: Any, where: list[Any], cap: int) -> int:
    """How many rows of `model` meet `where`, counted up to `cap` + 1 (more than `cap` means "at least that many");
    reads the index alone where one covers `where`."""
    upto = sa.select(sa.literal(1)).select_from(model).where(*where).limit(cap + 1).subquery()
    return int(session.connection().execute(sa.select(func.count()).select_from(upto)).scalar_one())


# Keyset (cursor) pagination: the next page starts after the last row's sort keys, so page 5,000 reads what page 1
# reads (an index range), with no OFFSET and no COUNT. The cursor carries the keys, tagged by type.


def _key(order: Any) -> tuple[Any, bool]:
    """(expression, descending) of one ORDER BY item."""
    modifier = getattr(order, "modifier", None)
    if modifier is not None and getattr(modifier, "__name__", "") in ("desc_op", "asc_op"):
        return order.element, modifier.__name__ == "desc_op"
    return order, False


def _encode(values: list[Any]) -> str:
    tagged = []
    for v in values:
        if isinstance(v, datetime):
            tagged.append(["dt", v.isoformat()])
        elif isinstance(v, date):
            tagged.append(["d", v.isoformat()])
        else:
            tagged.append(["v", v])
    return base64.urlsafe_b64encode(json.dumps(tagged, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        out: list[Any] = []
        for tag, v in raw:
            if tag == "dt":
                dt = datetime.fromisoformat(v)
                out.append(dt if dt.tzinfo else dt.replace(tzinfo=UTC))
            elif tag == "d":
                out.append(date.fromisoformat(v))
            elif tag == "v" and (v is None or isinstance(v, int | float | str)):
                out.append(v)
            else:
                raise ValueError(tag)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise Invalid("翻页游标无效，请从第一页重新加载", code="invalid_cursor") from exc
    if len(out) != n:
        raise Invalid("翻页游标无效，请从第一页重新加载", code="invalid_cursor")
    return out


def _after(keys: list[tuple[Any, bool]], values: list[Any]) -> Any:
    """Rows strictly after `values` in the order of `keys`: (k0 past v0) or (k0 = v0 and k1 past v1) or …

    A NULL key value only occurs where the order puts every NULL together (a CASE flag before it), so "past NULL"
    is false and "equal to NULL" is IS NULL; the following keys decide.
    """
    terms = []
    for i, (expr, desc) in enumerate(keys):
        v = values[i]
        if v is None:
            continue
        prefix = [k.is_(None) if values[j] is None else k == values[j] for j, (k, _) in enumerate(keys[:i])]
        terms.append(sa.and_(*prefix, expr < v if desc else expr > v))
    if not terms:
        return sa.false()
    first, desc = keys[0]
    if values[0] is None:
        return sa.or_(*terms)
    # A plain range on the first key as well: the index range the database can seek to (an OR alone is a filter
    # applied while scanning from the top, which makes page 5,000 cost 5,000 pages).
    return sa.and_(first <= values[0] if desc else first >= values[0], sa.or_(*terms))


def paginate_keyset(
    session: Session, where: list[Any], q: ListQuery, order_by: list[Any], columns: Sequence[Any]
) -> tuple[Sequence[sa.Row[Any]], str | None]:
    """`columns` of the rows meeting `where` after the cursor's keys (from the top for an empty cursor)."""
    keys = [_key(o) for o in order_by]
    keyed = sa.select(*columns, *(expr.label(f"_k{i}") for i, (expr, _) in enumerate(keys))).where(*where)
    if q.cursor:
        keyed = keyed.where(_after(keys, _decode(q.cursor, len(keys))))
    rows = session.connection().execute(keyed.order_by(*order_by).limit(q.page_size + 1)).all()
    more = len(rows) > q.page_size
    rows = rows[: q.page_size]
    next_cursor = _encode(list(rows[-1][len(columns) :])) if more and rows else None
    return rows, next_cursor


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


# A missing deadline sorts as the last possible day. The expression is written out as SQL text, the same on both
# databases, because an expression index serves only a query that repeats its expression exactly (a bound parameter
# would not match): the boards' deadline indexes (migration 0014) are built on `deadline_key`'s SQL.
NO_DEADLINE = "'9999-12-31'"


def deadline_key(column: Any) -> Any:
    """The deadline as a sort key: soonest first, records without one last."""
    return sa.func.coalesce(column, sa.literal_column(NO_DEADLINE, type_=sa.Date))


def deadline_index(table: str, column: str) -> sa.Index:
    """The index of a board's "soonest deadline first" list: public rows in `deadline_key` order, newest id first."""
    return sa.Index(
        f"ix_{table}_deadline_public",
        "verification",
        "publication",
        sa.text(f"coalesce({column}, {NO_DEADLINE})"),
        sa.text("id DESC"),
    )


def order_deadline(column: Any, model: Any) -> list[Any]:
    return [deadline_key(column).asc(), model.id.desc()]


def sort_order(sort: Sort | DeadlineSort, model: Any, deadline: list[Any] | None = None) -> list[Any]:
    """ORDER BY for the list sorts; `deadline` is the board's own "soonest first" order."""
    if sort == DeadlineSort.popular:
        return order_popular(model)
    if sort == DeadlineSort.deadline and deadline is not None:
        return deadline
    return order_newest(model)


def get_public(session: Session, model: Any, item_id: int, *extra: Any) -> sa.Row[Any]:
    """The public record `item_id` of `model` as a row of its columns (read by attribute, as the ORM object would be;
    `fields()` for a dict), or 404."""
    stmt = sa.select(*model.__table__.columns).where(model.id == item_id, *public_reviewed(model), *extra)
    row = session.connection().execute(stmt).first()
    if row is None:
        raise NotFound()
    return row


def fields(row: sa.Row[Any]) -> dict[str, Any]:
    """A row's columns by name: what `model_dump()` gives of the ORM object."""
    return row._asdict()
