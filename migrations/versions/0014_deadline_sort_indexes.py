"""policy, job: indexes for the "soonest deadline first" lists

Those lists sorted on CASE WHEN deadline IS NULL …, which no index held: at 1,000,000 records PostgreSQL scanned and
sorted every public row (policy 109 ms, job 50 ms a page). The sort key is now coalesce(deadline, '9999-12-31')
(app/core/listing.py `deadline_key`), and open jobs are a range of it, so a page is an index range (0.2 ms).
The tables are analysed afterwards (see below).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 01:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [("policy", "apply_deadline"), ("job", "closing_date")]


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(
            f"ix_{table}_deadline_public",
            table,
            ["verification", "publication", sa.text(f"coalesce({column}, '9999-12-31')"), sa.text("id DESC")],
            unique=False,
        )
        # Statistics for the new index at once: SQLite, holding statistics for a table's other indexes but none for
        # this one, took it for the newest-first list too and sorted every public row (300 ms a page at 1,000,000
        # records); PostgreSQL keeps statistics on an index expression only once the table is analysed.
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    for table, _ in INDEXES:
        op.drop_index(f"ix_{table}_deadline_public", table_name=table)
