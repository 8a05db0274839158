"""Dialect-specific full-text DDL of the search index, used by the migration and by nothing else.

- SQLite: `search_fts`, an FTS5 table over `search_doc`'s token columns (external content, so the text is stored
  once), kept in step by three triggers. `unicode61` splits the pre-tokenised words on spaces; `tokenchars '_.'`
  keeps filter tags such as `n_new_energy.3` whole.
- PostgreSQL: a generated `tsv` column built with `array_to_tsvector` (no text-search parser, so it does not depend
  on the database's locale) and a GIN index on it. Since revision 0012 it also holds each title token again with a
  `^` before it (a title-only search is one index lookup, not a per-row check) and the row's slab tag
  `s_<id // SLAB_IDS>` (the freshest matches are found by intersecting posting lists, without reading the rows of
  older ones; see `app.search.engine`). Neither can collide with a text token (those are only 汉字 or [0-9a-z]).

These objects are not part of the SQLModel metadata; `include_name` hides them from Alembic's model comparison
(autogenerate and tests/test_migrations.py), FTS5's shadow tables included.
"""

from __future__ import annotations

from typing import Any

FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_doc_tsv"

# Only the constants above are spliced into the DDL (nosec B608): nothing here comes from a request.
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title_tokens, body_tokens, tags, "
    "content='search_doc', content_rowid='id', tokenize=\"unicode61 remove_diacritics 0 tokenchars '_.'\", "
    "detail=column)",
    f"CREATE TRIGGER search_doc_fts_ai AFTER INSERT ON search_doc BEGIN "  # nosec B608
    f"INSERT INTO {FTS_TABLE}(rowid, title_tokens, body_tokens, tags) "
    "VALUES (new.id, new.title_tokens, new.body_tokens, new.tags); END",
    f"CREATE TRIGGER search_doc_fts_ad AFTER DELETE ON search_doc BEGIN "  # nosec B608
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_tokens, body_tokens, tags) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.tags); END",
    f"CREATE TRIGGER search_doc_fts_au AFTER UPDATE ON search_doc BEGIN "  # nosec B608
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_tokens, body_tokens, tags) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.tags); "
    f"INSERT INTO {FTS_TABLE}(rowid, title_tokens, body_tokens, tags) "
    "VALUES (new.id, new.title_tokens, new.body_tokens, new.tags); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_doc_fts_au",
    "DROP TRIGGER IF EXISTS search_doc_fts_ad",
    "DROP TRIGGER IF EXISTS search_doc_fts_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

# Ids per slab tag; the engine computes the same tags, and changing it needs a migration like 0012.
SLAB_IDS = 16_384
TITLE_MARK = "^"
SLAB_PREFIX = "s_"


def _tsv_statements(words: str) -> list[str]:
    return [
        f"ALTER TABLE search_doc ADD COLUMN {TSV_COLUMN} tsvector GENERATED ALWAYS AS "
        f"(array_to_tsvector(array_remove(string_to_array({words}, ' '), ''))) STORED",
        f"CREATE INDEX {TSV_INDEX} ON search_doc USING gin ({TSV_COLUMN})",
        # The planner needs to know how common each word is to choose between the GIN index and a backward walk of
        # the primary key; the default statistics target keeps too few of them for a vocabulary of bigrams.
        f"ALTER TABLE search_doc ALTER COLUMN {TSV_COLUMN} SET STATISTICS 1000",
    ]


# Revision 0005: the title, body and tag tokens.
POSTGRES_UP = _tsv_statements("title_tokens || ' ' || body_tokens || ' ' || tags")
POSTGRES_DOWN = [
    f"DROP INDEX IF EXISTS {TSV_INDEX}",
    f"ALTER TABLE search_doc DROP COLUMN IF EXISTS {TSV_COLUMN}",
]
# Revision 0012: plus the marked title tokens and the slab tag.
POSTGRES_UP_0012 = POSTGRES_DOWN + _tsv_statements(
    "title_tokens || ' ' || body_tokens || ' ' || tags || ' ' "
    f"|| regexp_replace(title_tokens, '(\\S+)', '{TITLE_MARK}\\1', 'g') "
    f"|| ' {SLAB_PREFIX}' || (id / {SLAB_IDS})::text"
)
POSTGRES_DOWN_0012 = POSTGRES_DOWN + POSTGRES_UP


# Revision 0015: a short GIN pending list. New rows enter a GIN index through its pending list, which every search
# reads whole until it is merged: by VACUUM (autovacuum), or by the insert that takes it past this size. At the
# default 4 MB, and with autovacuum late or off, 10,000 pushed records left 475 pending pages and a search p95 of
# 600 ms instead of 40 ms at 1,000,000 records; at 256 kB an insert merges it once it holds a few hundred records.
# A migration that builds the index again must set it again.
GIN_PENDING_LIST_KB = 256
POSTGRES_UP_0015 = [f"ALTER INDEX {TSV_INDEX} SET (gin_pending_list_limit = {GIN_PENDING_LIST_KB})"]
POSTGRES_DOWN_0015 = [f"ALTER INDEX {TSV_INDEX} RESET (gin_pending_list_limit)"]


def upgrade_statements(dialect: str) -> list[str]:
    return SQLITE_UP if dialect == "sqlite" else POSTGRES_UP if dialect == "postgresql" else []


def downgrade_statements(dialect: str) -> list[str]:
    return SQLITE_DOWN if dialect == "sqlite" else POSTGRES_DOWN if dialect == "postgresql" else []


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic `include_name` hook: leave the full-text objects above out of the model comparison."""
    if name is None:
        return True
    if type_ == "table":
        return not (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_"))
    if type_ == "column":
        return not (parent_names.get("table_name") == "search_doc" and name == TSV_COLUMN)
    if type_ == "index":
        return name != TSV_INDEX
    return True
