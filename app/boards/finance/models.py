from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import ReviewedRecord, reviewed_table_args


class FinanceStage(StrEnum):
    seed = "seed"  # 种子期
    angel = "angel"  # 天使轮
    a = "a"  # A轮
    b = "b"  # B轮
    growth = "growth"  # 成长期
    pre_ipo = "pre_ipo"  # Pre-IPO


class ProductType(StrEnum):
    tech_loan = "tech_loan"  # 科技贷
    credit_score_loan = "credit_score_loan"  # 创新积分贷
    ip_pledge = "ip_pledge"  # 知识产权质押
    insurance = "insurance"  # 科技保险
    guarantee = "guarantee"  # 融资担保


class Fund(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args("fund")

    name: str = Field(max_length=128)
    manager: str = Field(max_length=128)
    size_yi_yuan: float | None = None  # 规模，亿元
    stages: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    description: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)


class FinancialProduct(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args("financialproduct")

    name: str = Field(max_length=128)
    product_type: str = Field(sa_type=sa.String(24), index=True)
    institution: str = Field(max_length=128)  # bank or insurer
    amount_max_wan_yuan: float | None = None
    rate_text: str = Field(default="", max_length=64)
    term_text: str = Field(default="", max_length=64)
    eligibility: str = Field(default="", sa_type=sa.Text)
    description: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)


class FinancingNeed(ReviewedRecord, table=True):
    """融资需求 posted by an enterprise."""

    __table_args__ = reviewed_table_args("financingneed")

    title: str = Field(max_length=200)
    org_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    org_name: str = Field(max_length=128)
    amount_wan_yuan: float | None = None
    stage: str = Field(sa_type=sa.String(16))
    use_of_funds: str = Field(default="", sa_type=sa.Text)
    description: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)


class ServiceStation(ReviewedRecord, table=True):
    """科技金融服务工作站."""

    __table_args__ = reviewed_table_args("servicestation")

    name: str = Field(max_length=128)
    host_org: str = Field(default="", max_length=128)
    address: str = Field(default="", max_length=255)
    lat: float | None = None
    lng: float | None = None
    services: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
