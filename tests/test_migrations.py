"""Alembic is the only way the schema is made: one head, reversible, and matching the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.all_models import metadata
from app.core.db import make_engine
from app.search.ddl import include_name
from tests.conftest import alembic_config, fresh_database_url, migrate


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, script.get_heads()


@pytest.fixture()
def scratch_url(tmp_path: Path) -> str:
    return fresh_database_url(tmp_path, "migrations_scratch")


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    cfg = alembic_config(scratch_url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    engine = make_engine(scratch_url)
    with engine.connect() as conn:
        names = set(conn.dialect.get_table_names(conn)) - {"alembic_version"}
    engine.dispose()
    assert names == set(), names
    command.upgrade(cfg, "head")


def test_models_match_migrations(scratch_url: str) -> None:
    # The search index's full-text objects (FTS5 table and shadow tables, PostgreSQL tsv column + GIN index) are
    # dialect-specific DDL outside the models: app.search.ddl.include_name leaves them out of the comparison.
    migrate(scratch_url)
    engine = make_engine(scratch_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}), metadata
        )
    engine.dispose()
    assert diff == [], diff
