from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.listing import deadline_index
from app.core.models import ReviewedRecord, reviewed_table_args


class PolicyLevel(StrEnum):
    national = "national"  # 国家
    province = "province"  # 省
    city = "city"  # 市
    district = "district"  # 区


class PolicyCategory(StrEnum):
    subsidy = "subsidy"  # 资金补贴
    talent = "talent"  # 人才
    tax = "tax"  # 税收
    carrier = "carrier"  # 载体
    finance = "finance"  # 金融
    innovation = "innovation"  # 科技创新
    ip = "ip"  # 知识产权


class Policy(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args(
        "policy", sa.Index("ix_policy_deadline", "apply_deadline"), deadline_index("policy", "apply_deadline")
    )

    title: str = Field(max_length=200)
    doc_number: str | None = Field(default=None, max_length=64)  # 文号
    issuer: str = Field(max_length=128)
    level: str = Field(sa_type=sa.String(16), index=True)
    category: str = Field(sa_type=sa.String(16), index=True)
    support_mode: str = Field(default="", max_length=200)
    eligibility: str = Field(default="", sa_type=sa.Text)  # 申报对象
    publish_date: date | None = None
    valid_from: date | None = None
    valid_to: date | None = Field(default=None, index=True)
    apply_deadline: date | None = None
    summary: str = Field(default="", sa_type=sa.Text)
    full_text: str = Field(default="", sa_type=sa.Text)
    source_url: str | None = Field(default=None, max_length=500)
    attachments: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
