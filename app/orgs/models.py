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
