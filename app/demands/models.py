from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import BoardRecord, UTCDateTime, utcnow


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


class ApplicationStatus(StrEnum):
    pending_review = "pending_review"  # content check said `review` (or WeChat could not answer): waits for staff
    rejected = "rejected"  # refused by staff after the content review
    submitted = "submitted"
    shortlisted = "shortlisted"
    selected = "selected"  # 揭榜成功
    not_selected = "not_selected"
    withdrawn = "withdrawn"


class AcceptanceResult(StrEnum):
    passed = "passed"  # 通过验收
    conditional = "conditional"  # 有条件通过
    failed = "failed"  # 未通过


class ContentVerdict(StrEnum):
    """What the content check said about the texts of the last submission (staff see it in the queue)."""

    pass_ = "pass"
    review = "review"
    unavailable = "unavailable"  # WeChat did not answer: held for staff (fail closed)


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
        # Newest first across the four public statuses: an IN list cannot walk (status, published_at) in order.
        sa.Index("ix_demand_newest", "published_at", "id"),
        sa.Index("ix_demand_city_newest", "city_code", "published_at", "id"),
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
    # Who posted it (any member of the organisation may manage it) and the life of the 榜单.
    poster_member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    content_verdict: str | None = Field(default=None, sa_type=sa.String(16))
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, foreign_key="staff_user.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    awarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # 验收 (acceptance record), written with the move to `completed`.
    acceptance_date: date | None = None
    acceptance_result: str | None = Field(default=None, sa_type=sa.String(16))
    acceptance_notes: str = Field(default="", sa_type=sa.Text)
    acceptance_documents: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    acceptance_verdict: str | None = Field(default=None, sa_type=sa.String(16))


# An organisation has one live application per demand: a partial unique index on both databases.
_LIVE = "status IN ('pending_review', 'submitted', 'shortlisted', 'selected')"


class DemandApplication(SQLModel, table=True):
    """A 揭榜 application: an organisation (with partners for 联合揭榜) offers to solve a demand."""

    __tablename__ = "demand_application"
    __table_args__ = (
        sa.Index(
            "uq_demand_application_live",
            "demand_id",
            "org_id",
            unique=True,
            sqlite_where=sa.text(_LIVE),
            postgresql_where=sa.text(_LIVE),
        ),
        sa.Index("ix_demand_application_demand_status", "demand_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    demand_id: int = Field(foreign_key="demand.id")
    org_id: int = Field(foreign_key="organization.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    status: str = Field(default=ApplicationStatus.submitted, sa_type=sa.String(16))
    # 联合揭榜: [{"org_id": "12", "name": "…", "role": "…"}] of verified partner organisations.
    partners: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    proposal: str = Field(default="", sa_type=sa.Text)
    team: str = Field(default="", sa_type=sa.Text)
    budget_wan_yuan: float | None = None
    timeline: str = Field(default="", sa_type=sa.Text)
    attachments: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
    content_verdict: str | None = Field(default=None, sa_type=sa.String(16))
    reject_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
