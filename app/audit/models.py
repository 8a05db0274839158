from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class ActorType(StrEnum):
    staff = "staff"
    member = "member"
    bureau = "bureau"
    system = "system"


class AuditLog(SQLModel, table=True):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_city_at", "city_code", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_type: str = Field(sa_type=sa.String(16))
    actor_id: str = Field(default="", max_length=64)
    city_code: str | None = Field(default=None, max_length=16)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(default="", max_length=32)
    object_id: str = Field(default="", max_length=64)
    outcome: str = Field(default="ok", max_length=16)
    ip: str = Field(default="", max_length=64)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
