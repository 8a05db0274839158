from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, HttpUrl, field_validator, model_validator

from app.core.listing import ListQuery
from app.core.schemas import MaskedPhone, PublicModel, RequestModel
from app.demands.models import AcceptanceResult, ApplicationStatus, DemandStatus, DemandType


class Attachment(RequestModel):
    name: str = Field(min_length=1, max_length=100, description="文件名")
    url: HttpUrl = Field(description="文件地址（先经上传接口取得）")

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "url": str(self.url)}


_PHONE = r"^[0-9+\- ]{5,20}$"


class DemandFields(RequestModel):
    """Every field of a 榜单 (BRIEF §4). A draft may leave most of them empty; submitting checks completeness."""

    demand_type: DemandType | None = Field(default=None, description="类型：技术攻关、成果转化、联合研发、技术咨询")
    industry_code: str | None = Field(default=None, max_length=32, description="行业代码")
    chain_code: str | None = Field(default=None, max_length=32, description="产业链")
    chain_node_code: str | None = Field(default=None, max_length=48, description="产业链环节")
    keywords: list[str] | None = Field(default=None, max_length=10, description="关键词，最多 10 个")
    description: str | None = Field(default=None, max_length=5000, description="需求描述")
    tech_targets: str | None = Field(default=None, max_length=3000, description="技术指标")
    expected_result: str | None = Field(default=None, max_length=3000, description="预期成果")
    reward_wan_yuan: float | None = Field(default=None, gt=0, le=1_000_000, description="榜额（万元）")
    reward_negotiable: bool | None = Field(default=None, description="榜额面议")
    deadline: datetime | None = Field(default=None, description="揭榜截止时间（须带时区）")
    period_months: int | None = Field(default=None, ge=1, le=120, description="实施周期（月）")
    eligibility: str | None = Field(default=None, max_length=3000, description="揭榜条件")
    contact_name: str | None = Field(default=None, max_length=32, description="联系人")
    contact_phone: str | None = Field(default=None, pattern=_PHONE, description="联系电话（公开时脱敏）")
    attachments: list[Attachment] | None = Field(default=None, max_length=10, description="附件，最多 10 个")

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        out = []
        for k in v:
            k = k.strip()
            if not k or len(k) > 20:
                raise ValueError("关键词须为 1–20 个字")
            if k not in out:
                out.append(k)
        return out

    @field_validator("deadline")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        if v is not None and v.tzinfo is None:
            raise ValueError("截止时间须带时区，例如 2026-12-31T17:00:00+08:00")
        return v

    def values(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, exclude={"attachments", "demand_type"})
        if "demand_type" in self.model_fields_set:
            data["demand_type"] = self.demand_type.value if self.demand_type else ""
        if "attachments" in self.model_fields_set:
            data["attachments"] = [a.as_dict() for a in self.attachments or []]
        for key in ("keywords",):
            if key in data and data[key] is None:
                data[key] = []
        for key in ("description", "tech_targets", "expected_result", "eligibility", "contact_name", "contact_phone"):
            if key in data and data[key] is None:
                data[key] = ""
        if "reward_negotiable" in data and data["reward_negotiable"] is None:
            data["reward_negotiable"] = False
        return data


class DemandCreate(DemandFields):
    title: str = Field(min_length=2, max_length=200, description="榜单名称")


class DemandUpdate(DemandFields):
    title: str | None = Field(default=None, min_length=2, max_length=200, description="榜单名称")

    @model_validator(mode="after")
    def _something(self) -> DemandUpdate:
        if not self.model_fields_set:
            raise ValueError("没有要修改的内容")
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("榜单名称不能为空")
        return self


class AwardBody(RequestModel):
    application_ids: list[int] = Field(min_length=1, max_length=20, description="选定的揭榜申请 ID，可多个")

    @field_validator("application_ids")
    @classmethod
    def _ids(cls, v: list[int]) -> list[int]:
        if any(i < 1 or i > 2_147_483_647 for i in v):
            raise ValueError("申请 ID 有误")
        if len(set(v)) != len(v):
            raise ValueError("申请 ID 不能重复")
        return v


class CompleteBody(RequestModel):
    """验收记录。"""

    accepted_on: date = Field(description="验收日期")
    result: AcceptanceResult = Field(description="验收结论：通过、有条件通过、未通过")
    notes: str = Field(default="", max_length=3000, description="验收意见")
    documents: list[Attachment] = Field(default_factory=list, max_length=10, description="验收材料")


class ReviewDecision(StrEnum):
    approve = "approve"
    reject = "reject"


class RejectBody(RequestModel):
    reason: str = Field(min_length=2, max_length=500, description="驳回理由（发给发榜方）")


class BatchReviewBody(RequestModel):
    ids: list[int] = Field(min_length=1, max_length=100, description="榜单 ID")
    decision: ReviewDecision
    reason: str | None = Field(default=None, min_length=2, max_length=500, description="驳回理由")

    @model_validator(mode="after")
    def _reason(self) -> BatchReviewBody:
        if self.decision is ReviewDecision.reject and not self.reason:
            raise ValueError("驳回须填写理由")
        if len(set(self.ids)) != len(self.ids) or any(i < 1 or i > 2_147_483_647 for i in self.ids):
            raise ValueError("榜单 ID 有误或重复")
        return self


class DemandSort(StrEnum):
    newest = "newest"
    deadline = "deadline"
    popular = "popular"
    reward = "reward"


class PublicDemandStatus(StrEnum):
    published = "published"
    closed = "closed"
    awarded = "awarded"
    completed = "completed"


class DemandQuery(ListQuery):
    status: PublicDemandStatus | None = Field(default=None, description="状态：揭榜中、已截止、已签约、已验收")
    demand_type: DemandType | None = Field(default=None, description="类型")
    chain: str | None = Field(default=None, max_length=32, description="产业链")
    q: str | None = Field(default=None, min_length=1, max_length=50, description="关键词（名称、关键词、描述）")
    sort: DemandSort = Field(default=DemandSort.newest, description="排序：最新、即将截止、最热、榜额")


class MyDemandQuery(RequestModel):
    status: DemandStatus | None = Field(default=None, description="状态")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=50)


class StaffDemandQuery(MyDemandQuery):
    status: DemandStatus | None = Field(default=DemandStatus.pending_review, description="状态，默认待审核")
    city: str | None = Field(default=None, max_length=16, description="城市（市级工作人员只能看本市）")


class AttachmentPublic(PublicModel):
    name: str
    url: str


class DemandSummary(PublicModel):
    id: int
    title: str
    demand_type: str
    status: DemandStatus
    city_code: str
    industry_code: str | None
    chain_code: str | None
    keywords: list[str]
    org_name: str
    reward_wan_yuan: float | None
    reward_negotiable: bool
    deadline: datetime | None
    application_count: int
    view_count: int
    published_at: datetime | None


class DemandPublic(DemandSummary):
    """Public detail: the contact phone is masked."""

    chain_node_code: str | None
    industries: list[str]
    description: str
    tech_targets: str
    expected_result: str
    period_months: int | None
    eligibility: str
    contact_name: str
    contact_phone: MaskedPhone
    attachments: list[AttachmentPublic]
    awarded_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime


class AcceptancePublic(PublicModel):
    accepted_on: date
    result: AcceptanceResult
    notes: str
    documents: list[AttachmentPublic]


class DemandMine(PublicModel):
    """The posting organisation's own view: everything, its own phone in full, the reviewer's reason."""

    id: int
    title: str
    demand_type: str
    status: DemandStatus
    city_code: str
    industry_code: str | None
    chain_code: str | None
    chain_node_code: str | None
    keywords: list[str]
    description: str
    tech_targets: str
    expected_result: str
    reward_wan_yuan: float | None
    reward_negotiable: bool
    deadline: datetime | None
    period_months: int | None
    eligibility: str
    org_id: int | None
    org_name: str
    contact_name: str
    contact_phone: str
    attachments: list[AttachmentPublic]
    reject_reason: str | None
    application_count: int
    view_count: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    awarded_at: datetime | None
    completed_at: datetime | None
    withdrawn_at: datetime | None
    acceptance: AcceptancePublic | None


class DemandStaff(DemandMine):
    content_verdict: str | None
    reviewed_at: datetime | None
    reviewed_by: int | None
    source: str


class ReviewOutcome(PublicModel):
    id: int
    ok: bool
    code: str | None = None
    message: str | None = None


class BatchReviewResult(PublicModel):
    results: list[ReviewOutcome]


# ---- applications ----


class Partner(RequestModel):
    org_id: int = Field(ge=1, le=2_147_483_647, description="联合揭榜单位（须为已认证机构）")
    role: str = Field(default="", max_length=100, description="分工")


class ApplicationCreate(RequestModel):
    partners: list[Partner] = Field(default_factory=list, max_length=10, description="联合揭榜单位")
    proposal: str = Field(min_length=10, max_length=5000, description="技术方案")
    team: str = Field(default="", max_length=3000, description="团队")
    budget_wan_yuan: float | None = Field(default=None, gt=0, le=1_000_000, description="预算（万元）")
    timeline: str = Field(default="", max_length=3000, description="进度安排")
    attachments: list[Attachment] = Field(default_factory=list, max_length=10)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", pattern=r"^([0-9+\- ]{5,20})?$")

    @field_validator("partners")
    @classmethod
    def _distinct(cls, v: list[Partner]) -> list[Partner]:
        if len({p.org_id for p in v}) != len(v):
            raise ValueError("联合揭榜单位不能重复")
        return v


class PartnerPublic(PublicModel):
    org_id: int
    name: str
    role: str


class ApplicationPublic(PublicModel):
    """Seen by the applicant and by the poster of the demand; nobody else."""

    id: int
    demand_id: int
    demand_title: str
    org_id: int
    org_name: str
    status: ApplicationStatus
    partners: list[PartnerPublic]
    proposal: str
    team: str
    budget_wan_yuan: float | None
    timeline: str
    attachments: list[AttachmentPublic]
    contact_name: str
    contact_phone: str
    reject_reason: str | None
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    withdrawn_at: datetime | None


class ApplicationStaff(ApplicationPublic):
    content_verdict: str | None
    city_code: str


class ApplicationQuery(RequestModel):
    status: ApplicationStatus | None = None
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=50)


class StaffApplicationQuery(ApplicationQuery):
    status: ApplicationStatus | None = Field(default=ApplicationStatus.pending_review)
    city: str | None = Field(default=None, max_length=16)
