from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class Favorite(SQLModel, table=True):
    """A member's favourite: any public item of any board, by board and id."""

    __table_args__ = (
        sa.UniqueConstraint("member_id", "board", "item_id"),
        sa.Index("ix_favorite_member_id", "member_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    board: str = Field(max_length=24)
    item_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InterestKind(StrEnum):
    keyword = "keyword"
    industry = "industry"
    city = "city"


class InterestSubscription(SQLModel, table=True):
    """A member wants to hear of new demands and policies with this keyword, industry or city."""

    __tablename__ = "interest_subscription"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "kind", "value"),
        sa.Index("ix_interest_subscription_kind_value", "kind", "value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(sa_type=sa.String(16))
    value: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
