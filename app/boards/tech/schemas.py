from __future__ import annotations

from pydantic import Field

from app.core.listing import ListQuery, Sort
from app.core.schemas import MaskedPhone, PublicModel, RecordPublic


class TechManagerQuery(ListQuery):
    field: str | None = Field(default=None, min_length=1, max_length=32, description="擅长领域关键词，如“储能”")
    sort: Sort = Sort.newest


class TechManagerSummary(RecordPublic):
    name: str
    org_name: str
    fields: list[str] = Field(description="擅长领域")
    completed_count: int = Field(description="已促成项目数")


class TechManagerPublic(TechManagerSummary):
    certificate_no: str = Field(description="技术经理人证书编号")
    bio: str
    contact_phone: MaskedPhone


class AllianceQuery(ListQuery):
    chain_code: str | None = Field(default=None, min_length=1, max_length=32, description="产业链代码，如 new_energy")
    sort: Sort = Sort.newest


class AllianceMember(PublicModel):
    name: str
    role: str = ""
    city: str = ""


class AllianceSummary(RecordPublic):
    name: str
    chain_code: str | None
    lead_org: str = Field(description="牵头单位")
    member_count: int


class AlliancePublic(AllianceSummary):
    description: str
    members: list[AllianceMember]
