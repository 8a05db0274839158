"""The search index: one row per public record of every board, the demands and the 合作清单 (and per verified
organisation, for matching).

The row's id doubles as its freshness: a record is (re)indexed by deleting its row and inserting a new one, so a
higher id is a more recently published or changed record, and "fresh first" is the index's own order (FTS5 reads a
doclist backwards; PostgreSQL walks the primary key backwards). `python -m app.search reindex` inserts in order of
publication.

Full-text indexing lives beside this table and outside the models (see `app.search.ddl`): on SQLite an external-
content FTS5 table `search_fts` kept in step by triggers, on PostgreSQL a generated `tsv` column with a GIN index.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class SearchDoc(SQLModel, table=True):
    __tablename__ = "search_doc"
    __table_args__ = (
        sa.UniqueConstraint("kind", "record_id"),
        sa.Index("ix_search_doc_point", "lat", "lng"),
        sa.Index("ix_search_doc_city_point", "city_code", "lat"),
        # Ids are never reused on SQLite either: a higher id is always a fresher row.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    board: str = Field(sa_type=sa.String(16))  # policy, resources, tech, finance, talent, showcase, demands, ...
    kind: str = Field(sa_type=sa.String(24))  # the record's table: policy, resource, expert, demand, ...
    record_id: int
    city_code: str = Field(max_length=16)
    doc_type: str = Field(default="", max_length=32)  # the record's own type: 资金补贴, 高校, 技术攻关 ...
    industries: str = Field(default="", max_length=400)  # industry codes, space-separated
    chain_nodes: str = Field(default="", max_length=400)  # chain node codes, space-separated
    title: str = Field(max_length=200)
    excerpt: str = Field(default="", sa_type=sa.Text)  # the start of the record's text, for snippets
    title_tokens: str = Field(default="", sa_type=sa.Text)
    body_tokens: str = Field(default="", sa_type=sa.Text)
    tags: str = Field(default="", sa_type=sa.Text)  # filter tags: b_<board> k_<kind> c_<city> i_<industry> ...
    lat: float | None = None  # GCJ-02
    lng: float | None = None
    fresh_at: datetime = Field(sa_type=UTCDateTime)  # published (or last changed)
    digest: str = Field(max_length=32)  # of everything above: an unchanged record is not re-indexed
    indexed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
