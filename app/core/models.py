"""Shared column types and enums for every table.

The naming convention is set here, before any table class is defined, so that constraint names are stable across
SQLite and PostgreSQL and in every migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps on both databases: stored as UTC, always read back with tzinfo."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RecordSource(StrEnum):
    staff = "staff"
    bureau = "bureau"
    member = "member"


class Publication(StrEnum):
    """Whether the owner (staff, bureau or member) has put a record out."""

    draft = "draft"
    published = "published"
    unpublished = "unpublished"


class Verification(StrEnum):
    """Staff review / 数据核验 of a record; only `verified` records are public."""

    pending = "pending"
    verified = "verified"
    rejected = "rejected"


class BoardRecord(SQLModel):
    """Columns every public record of every board carries: its city, where it came from, its industries."""

    id: int | None = Field(default=None, primary_key=True)
    city_code: str = Field(foreign_key="city.code", index=True, max_length=16)
    source: str = Field(default=RecordSource.staff, sa_type=sa.String(16))
    # The bureau's own id; (city_code, source_id) is unique per table so that a push updates instead of doubling.
    source_id: str | None = Field(default=None, max_length=64)
    source_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    industry_code: str | None = Field(default=None, foreign_key="industry.code", index=True, max_length=32)
    industries: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    view_count: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReviewedRecord(BoardRecord):
    """A board record that is public only when its owner published it and staff verified it."""

    publication: str = Field(default=Publication.published, sa_type=sa.String(16))
    verification: str = Field(default=Verification.verified, sa_type=sa.String(16))
    reject_reason: str | None = Field(default=None, max_length=500)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


def reviewed_table_args(table: str, *extra: object) -> tuple[object, ...]:
    """Constraints every reviewed board table carries: one row per bureau record, an index for public lists."""
    return (
        sa.UniqueConstraint("city_code", "source_id"),
        sa.Index(f"ix_{table}_public", "verification", "publication", "published_at"),
        sa.Index(f"ix_{table}_city_public", "city_code", "verification", "publication", "published_at"),
        # The "popular" sort, overall and per city: the first page is read off the index, not sorted.
        sa.Index(f"ix_{table}_popular", "verification", "publication", "view_count", "id"),
        sa.Index(f"ix_{table}_city_popular", "city_code", "verification", "publication", "view_count", "id"),
        *extra,
    )
