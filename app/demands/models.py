from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import BoardRecord, UTCDateTime


class DemandType(StrEnum):
    tackling = "tackling"  # 技术攻关
    transfer = "transfer"  # 成果转化
    joint_rd = "joint_rd"  # 联合研发
    consulting = "consulting"  # 技术咨询


class DemandStatus(StrEnum):
    draft = "draft"
    pending_review = "pending_review"
    rejected = "rejected"
    published = "published"
    closed = "closed"
    awarded = "awarded"  # 已签约/攻关中
    completed = "completed"  # 已验收
    withdrawn = "withdrawn"


# What a visitor may see. A published demand past its deadline is shown (and treated) as closed.
PUBLIC_DEMAND_STATUSES = (
    DemandStatus.published,
    DemandStatus.closed,
    DemandStatus.awarded,
    DemandStatus.completed,
)


class Demand(BoardRecord, table=True):
    """A 榜单 of the 揭榜挂帅 market."""

    __table_args__ = (
        sa.UniqueConstraint("city_code", "source_id"),
        sa.Index("ix_demand_public", "status", "published_at"),
        sa.Index("ix_demand_city_public", "city_code", "status", "published_at"),
        sa.Index("ix_demand_deadline", "status", "deadline"),
    )

    title: str = Field(max_length=200)
    demand_type: str = Field(sa_type=sa.String(16), index=True)
    status: str = Field(default=DemandStatus.draft, sa_type=sa.String(16))
    chain_code: str | None = Field(default=None, foreign_key="chain.code", max_length=32, index=True)
    chain_node_code: str | None = Field(default=None, foreign_key="chainnode.code", max_length=48)
    keywords: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    description: str = Field(default="", sa_type=sa.Text)
    tech_targets: str = Field(default="", sa_type=sa.Text)  # 技术指标
    expected_result: str = Field(default="", sa_type=sa.Text)
    reward_wan_yuan: float | None = None  # 榜额，万元; None with reward_negotiable = 面议
    reward_negotiable: bool = Field(default=False)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    period_months: int | None = None  # 实施周期
    eligibility: str = Field(default="", sa_type=sa.Text)  # 揭榜条件
    org_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    org_name: str = Field(max_length=128)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
    attachments: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    reject_reason: str | None = Field(default=None, max_length=500)
    application_count: int = Field(default=0)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
