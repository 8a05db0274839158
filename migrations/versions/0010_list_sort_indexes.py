"""indexes for the popular sort of every reviewed board table, overall and per city

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-23 17:45:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "policy",
    "resource",
    "techmanager",
    "alliance",
    "fund",
    "financialproduct",
    "financingneed",
    "servicestation",
    "talentservice",
    "job",
    "expert",
    "trainingprogramme",
    "achievement",
    "event",
    "cooperationitem",
]


def upgrade() -> None:
    for t in TABLES:
        op.create_index(f"ix_{t}_popular", t, ["verification", "publication", "view_count", "id"])
        op.create_index(f"ix_{t}_city_popular", t, ["city_code", "verification", "publication", "view_count", "id"])


def downgrade() -> None:
    for t in TABLES:
        op.drop_index(f"ix_{t}_city_popular", table_name=t)
        op.drop_index(f"ix_{t}_popular", table_name=t)
