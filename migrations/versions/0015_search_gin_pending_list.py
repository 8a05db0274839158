"""search index (PostgreSQL): a 256 kB GIN pending list instead of the default 4 MB

Every search reads the whole pending list of the GIN index until it is merged; with autovacuum late or off, a night
of pushes kept it full (app/search/ddl.py). FTS5 on SQLite merges its segments on its own.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 02:30:00

"""

from collections.abc import Sequence

from alembic import op

from app.search import ddl

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in ddl.POSTGRES_UP_0015:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in ddl.POSTGRES_DOWN_0015:
            op.execute(statement)
