from __future__ import annotations

from datetime import date

from pydantic import Field

from app.boards.talent.models import TalentServiceCategory
from app.core.listing import DeadlineSort, ListQuery, Sort
from app.core.schemas import MaskedPhone, RecordPublic


class TalentServiceQuery(ListQuery):
    category: TalentServiceCategory | None = Field(default=None, description="服务类别")
    sort: Sort = Sort.newest


class TalentServiceSummary(RecordPublic):
    title: str
    category: TalentServiceCategory
    provider: str = Field(description="提供单位")


class TalentServicePublic(TalentServiceSummary):
    eligibility: str = Field(description="适用对象")
    description: str
    contact_name: str
    contact_phone: MaskedPhone


class JobQuery(ListQuery):
    education: str | None = Field(default=None, min_length=1, max_length=16, description="学历要求，如“硕士”")
    sort: DeadlineSort = Field(default=DeadlineSort.newest, description="deadline：截止日期最近的在前")


class JobSummary(RecordPublic):
    title: str
    org_name: str
    salary_min_k: int | None = Field(description="月薪下限，千元")
    salary_max_k: int | None = Field(description="月薪上限，千元")
    education: str
    experience: str
    headcount: int
    closing_date: date | None = Field(description="截止日期；过期岗位不再展示")


class JobPublic(JobSummary):
    description: str
    contact_name: str
    contact_phone: MaskedPhone


class ExpertQuery(ListQuery):
    field: str | None = Field(default=None, min_length=1, max_length=32, description="研究领域关键词")
    sort: Sort = Sort.newest


class ExpertSummary(RecordPublic):
    name: str
    title: str = Field(description="职称")
    affiliation: str = Field(description="所在单位")
    fields: list[str] = Field(description="研究领域")


class ExpertPublic(ExpertSummary):
    bio: str
    achievements: str
    contact_phone: MaskedPhone


class TrainingProgrammeQuery(ListQuery):
    sort: Sort = Sort.newest


class TrainingProgrammeSummary(RecordPublic):
    title: str
    partners: list[str] = Field(description="合作单位")
    start_date: date | None
    end_date: date | None
    capacity: int | None = Field(description="招收人数")


class TrainingProgrammePublic(TrainingProgrammeSummary):
    description: str
    contact_name: str
    contact_phone: MaskedPhone
