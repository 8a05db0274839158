"""The two full-text back ends behind one function: ids of index rows that match, freshest first.

Every query is index-driven and bounded: the ids come from FTS5 (`MATCH … ORDER BY rowid DESC LIMIT n`, which
reads the doclists backwards and stops early) or from PostgreSQL's GIN index (`tsv @@ … ORDER BY id DESC LIMIT n`;
for a common word the planner walks the primary key backwards instead and stops after n hits). Counting is
bounded the same way.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.search.ddl import FTS_TABLE, TSV_COLUMN
from app.search.tokens import QueryTerm, TagFilter, fts5_expression, tsquery_expression


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
    else:
        sql = sa.text(f"SELECT id FROM search_doc WHERE {TSV_COLUMN} @@ CAST(:m AS tsquery) ORDER BY id DESC LIMIT :n")  # nosec B608
        params = {"m": tsquery_expression(terms, tags, any_of=any_of), "n": limit}
    return [r[0] for r in session.execute(sql, params)]


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
    """Like `match_ids`, but `columns` of the rows themselves, in one statement; `title_only`: the terms must be in
    the title (FTS5 column filter; on PostgreSQL a per-row check of the title's own words on the index's hits)."""
    if not terms and not tags:
        return []
    if _dialect(session) == "sqlite":
        sql = sa.text(
            f"SELECT {columns} FROM search_doc WHERE id IN "  # nosec B608
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m ORDER BY rowid DESC LIMIT :n) ORDER BY id DESC"
        )
        params: dict[str, Any] = {"m": fts5_expression(terms, tags, title_only=title_only), "n": limit}
    else:
        title = ""
        params = {"m": tsquery_expression(terms, tags), "n": limit}
        if title_only and terms:
            title = "AND array_to_tsvector(string_to_array(title_tokens, ' ')) @@ CAST(:t AS tsquery) "
            params["t"] = tsquery_expression(terms, [])
        sql = sa.text(
            f"SELECT {columns} FROM search_doc WHERE {TSV_COLUMN} @@ CAST(:m AS tsquery) {title}"  # nosec B608
            "ORDER BY id DESC LIMIT :n"
        )
    return list(session.execute(sql, params).all())
