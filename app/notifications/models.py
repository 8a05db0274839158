from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    """An in-app inbox message for one member."""

    __table_args__ = (sa.Index("ix_notification_member_unread", "member_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str = Field(max_length=48)
    title: str = Field(max_length=100)
    body: str = Field(default="", max_length=1000)
    # What a tap opens, e.g. "demand:12" or "application:7".
    link: str = Field(default="", max_length=200)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
