"""What members add to the boards besides the board records themselves: event registrations and 我感兴趣."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, Verification, utcnow


class RegistrationStatus(StrEnum):
    registered = "registered"
    cancelled = "cancelled"


class EventRegistration(SQLModel, table=True):
    """One member's registration for one event; cancelling keeps the row (re-registering reuses it)."""

    __tablename__ = "event_registration"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "member_id"),
        sa.Index("ix_event_registration_event_status", "event_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    org_id: int | None = Field(default=None, foreign_key="organization.id")
    org_name: str = Field(default="", max_length=128)
    contact_name: str = Field(max_length=32)
    contact_phone: str = Field(default="", max_length=32)
    status: str = Field(default=RegistrationStatus.registered, sa_type=sa.String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InterestTarget(StrEnum):
    achievement = "achievement"  # 科技成果：我感兴趣
    financing_need = "financing_need"  # 融资需求：机构投资意向


class Interest(SQLModel, table=True):
    """An organisation's interest in another organisation's achievement or financing need.

    The owner sees the asker's organisation; the asker's phone only when `share_phone` is set. A message that the
    content check sends to review waits (verification pending) before the owner is told.
    """

    __tablename__ = "board_interest"
    __table_args__ = (
        sa.UniqueConstraint("target_type", "target_id", "org_id"),
        sa.Index("ix_board_interest_owner", "owner_org_id", "id"),
        sa.Index("ix_board_interest_review", "verification", "city_code", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    target_type: str = Field(sa_type=sa.String(24))
    target_id: int
    target_title: str = Field(default="", max_length=200)
    # The city of the target: staff of that city review held messages.
    city_code: str = Field(foreign_key="city.code", max_length=16)
    owner_org_id: int = Field(foreign_key="organization.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    org_id: int = Field(foreign_key="organization.id")
    org_name: str = Field(max_length=128)
    message: str = Field(default="", max_length=500)
    share_phone: bool = Field(default=False)
    contact_phone: str = Field(default="", max_length=32)
    verification: str = Field(default=Verification.verified, sa_type=sa.String(16))
    reject_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
