"""The two full-text back ends behind one function: rows of the index that match, freshest first.

Every query is index-driven and bounded:
- SQLite: FTS5 `MATCH … ORDER BY rowid DESC LIMIT n` reads the doclists backwards and stops after n hits.
- PostgreSQL: the GIN index gives the matches in no useful order. The other ways to the freshest — a backward walk
  of the primary key testing every row, or sorting every hit of the GIN index — read every row, matching or not,
  until n hits, or every matching row: at 1,000,000 documents 0.2–1 s for some two- and three-character words. So
  every row also carries the tag of its slab (`s_<id // SLAB_IDS>`, see `app.search.ddl`), and the search goes
  from the newest, the slab tags ANDed into the query: GIN intersects the posting lists, so only rows that match
  and are fresh are read. A common word fills its page from the newest slab; for the others, the newest slab's
  yield says whether a few slabs before it will do, or whether reading all the older matches at once costs less.
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.search.ddl import FTS_TABLE, SLAB_IDS, SLAB_PREFIX, TSV_COLUMN
from app.search.tokens import QueryTerm, TagFilter, fts5_expression, tsquery_expression

# PostgreSQL, the second step's choice, by cost (measured at 1,000,000 rows, warm): an OR of slab tags costs GIN a
# decoding of each of their posting lists, 2–4 ms apiece; reading all the older matches at once costs ~5 µs a row
# (3,695 rows: 19.7 ms).
SLAB_COST_MS = 3.0
ROW_COST_MS = 0.005


# The f-strings below (nosec B608) splice in only this package's constants and column lists; every value that comes
# from a user is a bound parameter.
def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def match_ids(
    session: Session, terms: list[QueryTerm], tags: list[TagFilter], limit: int, *, any_of: bool = False
) -> list[int]:
    """Ids of index rows having every term (or any, with `any_of`) and every tag, freshest first, at most `limit`."""
    if not terms and not tags:
        return []
    if _dialect(session) == "sqlite":
        sql = sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m ORDER BY rowid DESC LIMIT :n")  # nosec B608
        params: dict[str, Any] = {"m": fts5_expression(terms, tags, any_of=any_of), "n": limit}
        return [r[0] for r in session.execute(sql, params)]
    return [r[0] for r in _pg_freshest(session, "id", tsquery_expression(terms, tags, any_of=any_of), limit)]


def _pg_freshest(session: Session, columns: str, tsquery: str, limit: int) -> list[Any]:
    """`columns` of the rows matching `tsquery`, freshest first, at most `limit`: the newest slab, then as many
    slabs before it as its yield says are needed, then the rest; at most three statements."""
    top = session.execute(sa.text("SELECT max(id) FROM search_doc")).scalar()
    if top is None or limit <= 0:
        return []
    # The id range repeats what the slab tags say, so that a walk of the primary key (the planner's choice when the
    # word is common) stays inside the slabs.
    in_slabs = sa.text(
        f"SELECT {columns} FROM search_doc WHERE {TSV_COLUMN} @@ CAST(:m AS tsquery) "  # nosec B608
        "AND id >= :low AND id < :high ORDER BY id DESC LIMIT :n"
    )
    newest = int(top) // SLAB_IDS
    low = newest * SLAB_IDS
    params = {"m": f"({tsquery}) & '{SLAB_PREFIX}{newest}'", "low": low, "high": low + SLAB_IDS, "n": limit}
    rows: list[Any] = list(session.execute(in_slabs, params).all())
    if len(rows) >= limit or newest == 0:
        return rows
    # Matches per id so far: how many slabs would fill the page, and how many matches the rest should hold.
    rate = max(len(rows), 1) / (int(top) - low + 1)
    slabs = min(newest, math.ceil(1.2 * (limit - len(rows)) / (rate * SLAB_IDS)))
    if SLAB_COST_MS * slabs < ROW_COST_MS * rate * low:
        first = newest - slabs
        tags = " | ".join(f"'{SLAB_PREFIX}{k}'" for k in range(first, newest))
        params = {"m": f"({tsquery}) & ({tags})", "low": first * SLAB_IDS, "high": low, "n": limit - len(rows)}
        rows += session.execute(in_slabs, params).all()
        low = first * SLAB_IDS
        if len(rows) >= limit or low == 0:
            return rows
    # The rest at once: by now the word has proved rare enough that all its older matches are few.
    rest = sa.text(
        f"SELECT {columns} FROM search_doc WHERE {TSV_COLUMN} @@ CAST(:m AS tsquery) AND id < :high "  # nosec B608
        "ORDER BY id + 0 DESC LIMIT :n"
    )
    rows += session.execute(rest, {"m": tsquery, "high": low, "n": limit - len(rows)}).all()
    return rows


def count_matches(session: Session, terms: list[QueryTerm], tags: list[TagFilter], cap: int) -> int:
    """How many index rows match, counted up to `cap` (a larger count is reported as `cap`)."""
    if not terms and not tags:
        return 0
    if _dialect(session) == "sqlite":
        sql = sa.text(f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m LIMIT :n)")  # nosec B608
        params: dict[str, Any] = {"m": fts5_expression(terms, tags), "n": cap}
    else:
        sql = sa.text(
            f"SELECT count(*) FROM (SELECT 1 FROM search_doc WHERE {TSV_COLUMN} @@ CAST(:m AS tsquery) LIMIT :n) s"  # nosec B608
        )
        params = {"m": tsquery_expression(terms, tags), "n": cap}
    return int(session.execute(sql, params).scalar_one())


def match_rows(
    session: Session,
    terms: list[QueryTerm],
    tags: list[TagFilter],
    limit: int,
    columns: str,
    *,
    title_only: bool = False,
) -> list[Any]:
    """Like `match_ids`, but `columns` of the rows themselves; `title_only`: the terms must be in the title (FTS5
    column filter; on PostgreSQL the marked title tokens)."""
    if not terms and not tags:
        return []
    if _dialect(session) == "sqlite":
        sql = sa.text(
            f"SELECT {columns} FROM search_doc WHERE id IN "  # nosec B608
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m ORDER BY rowid DESC LIMIT :n) ORDER BY id DESC"
        )
        params: dict[str, Any] = {"m": fts5_expression(terms, tags, title_only=title_only), "n": limit}
        return list(session.execute(sql, params).all())
    return _pg_freshest(session, columns, tsquery_expression(terms, tags, title_only=title_only), limit)
