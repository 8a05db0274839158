from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, Verification, utcnow


class OrgType(StrEnum):
    enterprise = "enterprise"  # 企业
    university = "university"  # 高校
    institute = "institute"  # 科研院所
    service = "service"  # 服务机构
    investor = "investor"  # 投资机构
    government = "government"  # 政府部门


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, index=True)
    # 统一社会信用代码 (GB 32100-2015), unique: one organisation, however many cities mention it.
    credit_code: str = Field(max_length=18, unique=True)
    org_type: str = Field(sa_type=sa.String(16))
    city_code: str = Field(foreign_key="city.code", index=True, max_length=16)
    verification: str = Field(default=Verification.pending, sa_type=sa.String(16))
    reject_reason: str | None = Field(default=None, max_length=500)
    industries: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    capabilities: str = Field(default="", sa_type=sa.Text)
    intro: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Who registered it (a member) and which staff user last verified or rejected it, when.
    # Plain ids without foreign keys: adding those would rebuild the organization table on SQLite.
    created_by: int | None = Field(default=None)  # member id
    reviewed_by: int | None = Field(default=None)  # staff_user id
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ClaimStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class OrgClaim(SQLModel, table=True):
    """A member asks to join an organisation that is already registered; staff approve or reject it."""

    __tablename__ = "org_claim"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "org_id"),
        sa.Index("ix_org_claim_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    status: str = Field(default=ClaimStatus.pending, sa_type=sa.String(16))
    note: str = Field(default="", max_length=500)
    reject_reason: str | None = Field(default=None, max_length=500)
    reviewed_by: int | None = Field(default=None, foreign_key="staff_user.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
