"""City bureaus, their API keys, the batches they push and the cross-city duplicates staff must look at."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class PushScope(StrEnum):
    """What a key may push: the six boards, the 需求清单 (demands) and the 合作清单 (cooperation)."""

    policy = "policy"
    resources = "resources"
    tech = "tech"
    finance = "finance"
    talent = "talent"
    showcase = "showcase"
    demands = "demands"
    cooperation = "cooperation"


class Bureau(SQLModel, table=True):
    """A city's bureau (科技局/科委) that feeds the market from its own systems. It belongs to exactly one city."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    city_code: str = Field(foreign_key="city.code", index=True, max_length=16)
    # A trusted bureau's records are public at once; everyone else's wait for staff verification (数据核验).
    trusted: bool = Field(default=False)
    active: bool = Field(default=True)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BureauKey(SQLModel, table=True):
    """An API key: only its visible prefix and an HMAC-SHA256 of the whole key are stored."""

    __tablename__ = "bureau_key"

    id: int | None = Field(default=None, primary_key=True)
    bureau_id: int = Field(foreign_key="bureau.id", index=True)
    name: str = Field(default="", max_length=64)
    prefix: str = Field(max_length=16, unique=True)
    key_hash: str = Field(max_length=64)
    scopes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The key this one replaced by rotation (the old one keeps working until the end of the overlap).
    rotated_from_id: int | None = Field(default=None)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_ip: str = Field(default="", max_length=64)
    created_by: int | None = Field(default=None)


class BatchStatus(StrEnum):
    applied = "applied"  # every record written (or left as it was)
    partial = "partial"  # atomic=false and some records had errors
    rejected = "rejected"  # atomic batch with errors: nothing written


class PushBatch(SQLModel, table=True):
    """One push call: its idempotency key, a digest of its body, its counts and its full per-record report."""

    __tablename__ = "push_batch"
    __table_args__ = (
        sa.UniqueConstraint("key_id", "idempotency_key"),
        sa.UniqueConstraint("staff_id", "idempotency_key"),
        sa.Index("ix_push_batch_bureau_created", "bureau_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bureau_id: int = Field(foreign_key="bureau.id")
    # The API key that pushed, or (for an Excel import by staff through the back office) the staff user.
    key_id: int | None = Field(default=None, foreign_key="bureau_key.id")
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    city_code: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=32)
    idempotency_key: str = Field(max_length=128)
    request_hash: str = Field(max_length=64)
    origin: str = Field(default="api", max_length=16)  # api | xlsx | staff_import
    atomic: bool = Field(default=True)
    status: str = Field(sa_type=sa.String(16))
    http_status: int = Field(default=200)
    record_count: int = Field(default=0)
    counts: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)
    response: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DuplicateReason(StrEnum):
    credit_code = "credit_code"  # same 统一社会信用代码
    name_address = "name_address"  # same name and address


class PushDuplicate(SQLModel, table=True):
    """A record pushed by one city that looks like another city's record; staff decide, nothing is merged."""

    __tablename__ = "push_duplicate"
    __table_args__ = (sa.UniqueConstraint("kind", "record_id", "other_record_id", "reason"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    reason: str = Field(sa_type=sa.String(16))
    match_value: str = Field(default="", max_length=255)
    record_id: int
    city_code: str = Field(max_length=16, index=True)
    other_record_id: int
    other_city_code: str = Field(max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: int | None = Field(default=None)
    resolution: str = Field(default="", max_length=200)
