"""技术经理人 follow a 榜单 from posting to 验收: assignments, follow-up records and the poster's rating."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, Verification, utcnow


class AssignmentStatus(StrEnum):
    active = "active"  # the manager follows the demand
    declined = "declined"  # the poster declined a manager who claimed the demand
    ended = "ended"  # staff ended the assignment
    completed = "completed"  # the demand reached 验收 while the manager followed it


class AssignmentOrigin(StrEnum):
    staff = "staff"  # staff assigned the manager
    claim = "claim"  # the manager claimed the demand


class DemandAssignment(SQLModel, table=True):
    """A manager on a demand. At most one live (active) assignment per demand: `live_demand_id` is unique and set
    only while the assignment is active."""

    __tablename__ = "demand_assignment"
    __table_args__ = (sa.Index("ix_demand_assignment_manager", "manager_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    demand_id: int = Field(foreign_key="demand.id", index=True)
    manager_id: int = Field(foreign_key="techmanager.id")
    live_demand_id: int | None = Field(default=None, unique=True)
    status: str = Field(default=AssignmentStatus.active, sa_type=sa.String(16))
    origin: str = Field(sa_type=sa.String(16))
    reason: str = Field(default="", max_length=500)
    rating: int | None = None  # 1–5, by the poster after completion
    rating_comment: str = Field(default="", max_length=500)
    rated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUp(SQLModel, table=True):
    """One follow-up record by the assigned manager: when, what contact was made, what comes next."""

    __tablename__ = "demand_follow_up"
    __table_args__ = (sa.Index("ix_demand_follow_up_assignment", "assignment_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="demand_assignment.id")
    happened_on: date
    contact_made: str = Field(max_length=1000)
    next_step: str = Field(default="", max_length=1000)
    # The poster sees a record once the content check passed it, or staff approved it.
    verification: str = Field(default=Verification.verified, sa_type=sa.String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
