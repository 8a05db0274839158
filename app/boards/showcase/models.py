from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import ReviewedRecord, UTCDateTime, reviewed_table_args


class IpType(StrEnum):
    invention_patent = "invention_patent"  # 发明专利
    utility_patent = "utility_patent"  # 实用新型
    design_patent = "design_patent"  # 外观设计
    software = "software"  # 软件著作权
    ic_layout = "ic_layout"  # 集成电路布图
    know_how = "know_how"  # 技术秘密


class TransferMode(StrEnum):
    transfer = "transfer"  # 转让
    license = "license"  # 许可
    equity = "equity"  # 作价入股
    joint = "joint"  # 合作开发


class EventType(StrEnum):
    fair = "fair"  # 科创集市
    open_day = "open_day"  # 院所开放日
    roadshow = "roadshow"  # 路演
    summit = "summit"  # 武林大汇 and other summits
    salon = "salon"  # 沙龙/对接会


class Achievement(ReviewedRecord, table=True):
    """科技成果."""

    __table_args__ = reviewed_table_args("achievement")

    title: str = Field(max_length=200)
    org_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    owner_name: str = Field(max_length=128)
    trl: int = Field(default=4)  # technology readiness level 1–9
    ip_type: str = Field(sa_type=sa.String(24))
    transfer_modes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    price_wan_yuan: float | None = None  # None = 面议
    description: str = Field(default="", sa_type=sa.Text)
    media: list[dict[str, str]] = Field(default_factory=list, sa_type=sa.JSON)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
    # Upload ids of attached documents (the uploads module resolves them).
    attachments: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class Event(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args("event", sa.Index("ix_event_starts", "starts_at"))

    title: str = Field(max_length=200)
    event_type: str = Field(sa_type=sa.String(16), index=True)
    organizer: str = Field(max_length=128)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    registration_deadline: date | None = None
    venue: str = Field(default="", max_length=128)
    address: str = Field(default="", max_length=255)
    lat: float | None = None
    lng: float | None = None
    capacity: int | None = None
    registered_count: int = Field(default=0)
    description: str = Field(default="", sa_type=sa.Text)
