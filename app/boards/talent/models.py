from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from app.core.listing import deadline_index
from app.core.models import ReviewedRecord, reviewed_table_args


class TalentServiceCategory(StrEnum):
    settlement = "settlement"  # 落户
    housing = "housing"  # 人才公寓
    training = "training"  # 培训
    subsidy = "subsidy"  # 人才补贴
    policy = "policy"  # 人才政策


class TalentService(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args("talentservice")

    title: str = Field(max_length=200)
    category: str = Field(sa_type=sa.String(16), index=True)
    provider: str = Field(max_length=128)
    eligibility: str = Field(default="", sa_type=sa.Text)
    description: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)


class Job(ReviewedRecord, table=True):
    __table_args__ = reviewed_table_args(
        "job", sa.Index("ix_job_closing", "closing_date"), deadline_index("job", "closing_date")
    )

    title: str = Field(max_length=200)
    org_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    org_name: str = Field(max_length=128)
    salary_min_k: int | None = None  # 千元/月
    salary_max_k: int | None = None
    education: str = Field(default="", max_length=16)
    experience: str = Field(default="", max_length=32)
    headcount: int = Field(default=1)
    closing_date: date | None = None
    description: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)


class Expert(ReviewedRecord, table=True):
    """专家库."""

    __table_args__ = reviewed_table_args("expert")

    name: str = Field(max_length=32)
    title: str = Field(default="", max_length=32)  # 职称
    affiliation: str = Field(max_length=128)
    fields: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    bio: str = Field(default="", sa_type=sa.Text)
    achievements: str = Field(default="", sa_type=sa.Text)
    contact_phone: str = Field(default="", max_length=32)


class TrainingProgramme(ReviewedRecord, table=True):
    """联合培养 programmes between cities, universities and enterprises."""

    __table_args__ = reviewed_table_args("trainingprogramme")

    title: str = Field(max_length=200)
    partners: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    start_date: date | None = None
    end_date: date | None = None
    capacity: int | None = None
    description: str = Field(default="", sa_type=sa.Text)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)
