from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import ReviewedRecord, reviewed_table_args


class ResourceKind(StrEnum):
    university = "university"  # 高校
    institute = "institute"  # 科研院所
    platform = "platform"  # 科研平台
    poc_center = "poc_center"  # 概念验证中心
    incubator = "incubator"  # 孵化器/众创空间/大学科技园
    park = "park"  # 科技园区
    instrument = "instrument"  # 大型仪器
    space = "space"  # 载体空间


class PlatformLevel(StrEnum):
    national = "national"
    municipal = "municipal"
    district = "district"


class Resource(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args("resource", sa.Index("ix_resource_point", "lat", "lng"))

    # Indexed for the cross-city duplicate check of pushed resources (same name and address in another city).
    name: str = Field(max_length=200, index=True)
    kind: str = Field(sa_type=sa.String(16), index=True)
    platform_level: str | None = Field(default=None, sa_type=sa.String(16))
    org_name: str = Field(default="", max_length=128)
    # The owning organisation's 统一社会信用代码 where known: lets staff spot the same resource pushed twice.
    org_credit_code: str | None = Field(default=None, max_length=18, index=True)
    district: str = Field(default="", max_length=32)
    address: str = Field(default="", max_length=255)
    lat: float | None = None  # GCJ-02
    lng: float | None = None
    capabilities: str = Field(default="", sa_type=sa.Text)
    open_services: str = Field(default="", sa_type=sa.Text)
    description: str = Field(default="", sa_type=sa.Text)
    area_sqm: float | None = None
    rent_yuan_per_sqm_day: float | None = None
    rent_free_terms: str = Field(default="", max_length=200)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
    website: str | None = Field(default=None, max_length=500)
