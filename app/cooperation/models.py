from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.models import ReviewedRecord, reviewed_table_args


class CooperationType(StrEnum):
    chain = "chain"  # 产业链合作
    cross_city = "cross_city"  # 跨区域业务
    joint_event = "joint_event"  # 联合活动


class Tense(StrEnum):
    """The 合作清单's time dimension."""

    past = "past"  # 过去时：已完成
    present = "present"  # 进行时：进行中
    future = "future"  # 未来时：计划中


class CooperationItem(ReviewedRecord, table=True):
    """An item of the 合作清单: cooperation between cities of the alliance."""

    __table_args__ = reviewed_table_args("cooperationitem")

    title: str = Field(max_length=200)
    coop_type: str = Field(sa_type=sa.String(16), index=True)
    tense: str = Field(sa_type=sa.String(16), index=True)
    partner_cities: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    lead_org: str = Field(default="", max_length=128)
    partners: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    start_date: date | None = None
    end_date: date | None = None
    description: str = Field(default="", sa_type=sa.Text)
