from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import ReviewedRecord, reviewed_table_args


class TechManager(ReviewedRecord, table=True):
    """A 技术经理人's public profile."""

    __table_args__ = reviewed_table_args("techmanager")

    name: str = Field(max_length=32)
    org_name: str = Field(default="", max_length=128)
    fields: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    certificate_no: str = Field(default="", max_length=64)
    bio: str = Field(default="", sa_type=sa.Text)
    completed_count: int = Field(default=0)
    contact_phone: str = Field(default="", max_length=32)
    # The member whose application this profile is (None for profiles that staff or bureaus entered).
    member_id: int | None = Field(default=None, foreign_key="member.id", unique=True)


class Alliance(ReviewedRecord, table=True):
    """A 链式联盟, e.g. one of the 一院一链 chains led by an institute."""

    __table_args__ = reviewed_table_args("alliance")

    name: str = Field(max_length=128)
    chain_code: str | None = Field(default=None, foreign_key="chain.code", max_length=32, index=True)
    lead_org: str = Field(max_length=128)
    description: str = Field(default="", sa_type=sa.Text)
    members: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)  # [{name, role, city}]
