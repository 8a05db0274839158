from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from app.core.models import Verification
from app.core.schemas import CityCode, PublicModel, RequestModel
from app.orgs import credit_code
from app.orgs.models import ClaimStatus, OrgType


def _credit_code(value: str) -> str:
    value = credit_code.normalise(value)
    if not credit_code.is_valid(value):
        raise ValueError("统一社会信用代码有误（18 位，末位校验码须正确）")
    return value


class OrgCreate(RequestModel):
    name: str = Field(min_length=2, max_length=128, description="机构全称")
    credit_code: str = Field(min_length=18, max_length=18, description="统一社会信用代码（GB 32100-2015）")
    org_type: OrgType
    city_code: CityCode
    industries: list[str] = Field(default_factory=list, max_length=10, description="行业代码")
    capabilities: str = Field(default="", max_length=2000, description="能力与专长")
    intro: str = Field(default="", max_length=2000, description="简介")

    _code = field_validator("credit_code")(_credit_code)


class OrgUpdate(RequestModel):
    """Name, type and city only while the organisation is not verified; a rejected one is resubmitted by an edit."""

    name: str | None = Field(default=None, min_length=2, max_length=128)
    org_type: OrgType | None = None
    city_code: CityCode | None = None
    industries: list[str] | None = Field(default=None, max_length=10)
    capabilities: str | None = Field(default=None, max_length=2000)
    intro: str | None = Field(default=None, max_length=2000)


class OrgClaimCreate(RequestModel):
    credit_code: str = Field(min_length=18, max_length=18, description="要加入的机构的统一社会信用代码")
    note: str = Field(default="", max_length=500, description="给审核人员的说明，如部门、职务")

    _code = field_validator("credit_code")(_credit_code)


class OrgPublic(PublicModel):
    """What anyone may see of a verified organisation."""

    id: int
    name: str
    org_type: str
    city_code: str
    industries: list[str]
    capabilities: str
    intro: str


class OrgPrivate(OrgPublic):
    """What the organisation's own members see."""

    credit_code: str
    verification: Verification
    reject_reason: str | None
    created_at: datetime
    updated_at: datetime
    reviewed_at: datetime | None
    my_role: str | None = None


class StaffOrg(OrgPrivate):
    created_by: int | None
    reviewed_by: int | None
    member_count: int = 0


class ClaimPublic(PublicModel):
    id: int
    org_id: int
    org_name: str
    status: ClaimStatus
    note: str
    reject_reason: str | None
    created_at: datetime
    reviewed_at: datetime | None


class StaffClaim(ClaimPublic):
    member_id: int
    member_nickname: str
    org_city_code: str
    org_verification: str


class MyOrgs(PublicModel):
    acting_org_id: int | None
    orgs: list[OrgPrivate]
    claims: list[ClaimPublic]


class RejectBody(RequestModel):
    reason: str = Field(min_length=2, max_length=500, description="驳回理由（会告知会员）")


class StaffOrgQuery(RequestModel):
    verification: Verification | None = Field(default=None, description="认证状态")
    city: CityCode | None = Field(default=None, description="城市（市级工作人员只能看本市）")
    q: str | None = Field(default=None, max_length=64, description="名称或信用代码")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=50)


class StaffClaimQuery(RequestModel):
    status: ClaimStatus | None = Field(default=ClaimStatus.pending)
    city: CityCode | None = None
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=50)
