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
    # The WeChat subscribe message for this item: none (no credit), pending (credit spent, to send), sending,
    # sent, refused (43101) or failed. A transactional outbox: sent after the commit, by whoever claims it first.
    push_status: str = Field(default="none", sa_type=sa.String(16), sa_column_kwargs={"server_default": "none"})
    push_template_id: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})


class SubscribeCredit(SQLModel, table=True):
    """How many subscribe messages of one template a member has allowed (each "accept" allows one send)."""

    __tablename__ = "subscribe_credit"
    __table_args__ = (sa.UniqueConstraint("member_id", "template_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    template_id: str = Field(max_length=64)
    credits: int = Field(default=0)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
