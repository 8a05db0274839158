from __future__ import annotations

from datetime import date

from pydantic import Field

from app.cooperation.models import CooperationType, Tense
from app.core.listing import ListQuery, Sort
from app.core.schemas import RecordPublic


class CooperationQuery(ListQuery):
    coop_type: CooperationType | None = Field(default=None, description="合作类型")
    tense: Tense | None = Field(default=None, description="过去时（已完成）/进行时（进行中）/未来时（计划中）")
    sort: Sort = Sort.newest


class CooperationSummary(RecordPublic):
    title: str
    coop_type: CooperationType
    tense: Tense
    partner_cities: list[str] = Field(description="参与城市代码")
    lead_org: str = Field(description="牵头单位")
    partners: list[str] = Field(description="参与单位")
    start_date: date | None
    end_date: date | None


class CooperationPublic(CooperationSummary):
    description: str
