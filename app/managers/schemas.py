"""Request and response models of 技术经理人 profiles, assignments, follow-ups and ratings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from app.contrib.schemas import PHONE
from app.core.schemas import CityCode, MaskedPhone, PublicModel, RequestModel
from app.demands.models import ApplicationStatus


class ManagerApply(RequestModel):
    name: str = Field(min_length=2, max_length=32, description="姓名")
    fields: list[str] = Field(min_length=1, max_length=10, description="擅长领域，如“储能电池”")
    city_code: CityCode = Field(description="常驻城市")
    certificate_no: str = Field(min_length=3, max_length=64, description="技术经理人证书编号")
    bio: str = Field(default="", max_length=5_000)
    contact_phone: str = Field(default="", pattern=PHONE, max_length=20)


class MyManagerProfile(PublicModel):
    id: int
    name: str
    org_name: str
    fields: list[str]
    city_code: str
    certificate_no: str
    bio: str
    contact_phone: str
    completed_count: int
    verification: str = Field(description="pending 待核验；verified 已认证；rejected 已驳回")
    reject_reason: str | None
    created_at: datetime


class ManagerAssign(RequestModel):
    manager_id: int = Field(ge=1, le=2_147_483_647, description="技术经理人 ID")


class ManagerClaim(RequestModel):
    demand_id: int = Field(ge=1, le=2_147_483_647, description="要认领的已发布榜单")


class AssignmentPublic(PublicModel):
    id: int
    demand_id: int
    demand_title: str
    demand_status: str
    manager_id: int
    manager_name: str
    status: str = Field(description="active 跟进中；declined 发榜方已拒绝；ended 已终止；completed 已验收")
    origin: str = Field(description="staff 工作人员指派；claim 经理人认领")
    rating: int | None
    created_at: datetime


class FollowUpCreate(RequestModel):
    happened_on: date = Field(description="跟进日期")
    contact_made: str = Field(min_length=2, max_length=1000, description="本次联系与进展")
    next_step: str = Field(default="", max_length=1000, description="下一步")


class FollowUpPublic(PublicModel):
    id: int
    happened_on: date
    contact_made: str
    next_step: str
    verification: str
    created_at: datetime


class AssignmentDetail(AssignmentPublic):
    follow_ups: list[FollowUpPublic]


class RatingCreate(RequestModel):
    rating: int = Field(ge=1, le=5, description="评分 1–5")


class ApplicationPartner(PublicModel):
    name: str
    role: str


class AssignmentApplication(PublicModel):
    """A 揭榜 application as the assigned manager sees it: who applied (organisation, type, city) and what they
    offer. The phone is masked and the attachments stay with the poster: the applicant gave them to the poster."""

    id: int
    status: ApplicationStatus
    org_name: str
    org_type: str = Field(description="揭榜机构类型：enterprise 企业、university 高校、institute 科研院所 …")
    org_city_code: str = Field(description="揭榜机构所在城市")
    partners: list[ApplicationPartner] = Field(description="联合揭榜单位")
    proposal: str
    team: str
    budget_wan_yuan: float | None
    timeline: str
    contact_name: str
    contact_phone: MaskedPhone = Field(description="已脱敏")
    created_at: datetime
    decided_at: datetime | None
