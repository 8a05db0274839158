"""Request and response models of what members contribute to the boards, and of the staff review of it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, Field, field_validator, model_validator

from app.boards.finance.models import FinanceStage, ProductType
from app.boards.showcase.models import EventType, IpType, TransferMode
from app.core.schemas import CityCode, MaskedPhone, PublicModel, RequestModel

PHONE = r"^[0-9+\- ]{5,20}$"


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class _Industries(RequestModel):
    industry_code: str | None = Field(default=None, max_length=32, description="主行业代码（见行业字典）")
    industries: list[str] = Field(default_factory=list, max_length=10, description="行业代码标签")

    _blank_industry = field_validator("industry_code", mode="before")(_blank_is_none)


# ---------------------------------------------------------------- events


class EventCreate(_Industries):
    title: str = Field(min_length=2, max_length=200)
    event_type: EventType
    organizer: str = Field(min_length=2, max_length=128, description="主办方")
    city_code: CityCode | None = Field(default=None, description="所在城市；市管理员可省略（即本市）")
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    registration_deadline: date | None = Field(default=None, description="报名截止日期（含当日）")
    venue: str = Field(default="", max_length=128)
    address: str = Field(default="", max_length=255)
    lat: float | None = Field(default=None, ge=-90, le=90, description="纬度（GCJ-02）")
    lng: float | None = Field(default=None, ge=-180, le=180, description="经度（GCJ-02）")
    capacity: int | None = Field(default=None, ge=1, le=100_000, description="名额；空为不限")
    description: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _times(self) -> EventCreate:
        if self.ends_at is not None and self.ends_at < self.starts_at:
            raise ValueError("结束时间不能早于开始时间")
        return self


class EventUpdate(RequestModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    organizer: str | None = Field(default=None, min_length=2, max_length=128)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    registration_deadline: date | None = None
    venue: str | None = Field(default=None, max_length=128)
    address: str | None = Field(default=None, max_length=255)
    capacity: int | None = Field(default=None, ge=1, le=100_000, description="名额；不得少于已报名人数")
    description: str | None = Field(default=None, max_length=20_000)


class StaffEventPublic(PublicModel):
    id: int
    title: str
    event_type: EventType
    organizer: str
    city_code: str
    starts_at: datetime
    ends_at: datetime | None
    registration_deadline: date | None
    venue: str
    address: str
    capacity: int | None
    registered_count: int
    publication: str
    verification: str
    description: str


class RegistrationCreate(RequestModel):
    contact_name: str = Field(min_length=1, max_length=32, description="参会人姓名")
    contact_phone: str = Field(default="", pattern=PHONE, max_length=20, description="参会人电话，仅主办方可见")


class RegistrationPublic(PublicModel):
    """A member's own registration."""

    id: int
    event_id: int
    event_title: str
    starts_at: datetime
    status: str = Field(description="registered 已报名；cancelled 已取消")
    org_name: str
    contact_name: str
    contact_phone: MaskedPhone
    created_at: datetime


class RegistrationRow(PublicModel):
    """A registration as the organiser (staff of the event's city) sees it."""

    id: int
    org_name: str
    contact_name: str
    contact_phone: str
    status: str
    created_at: datetime


# ---------------------------------------------------------------- achievements


class AchievementCreate(_Industries):
    title: str = Field(min_length=2, max_length=200)
    trl: int = Field(ge=1, le=9, description="技术成熟度 1–9")
    ip_type: IpType
    transfer_modes: list[TransferMode] = Field(min_length=1, max_length=4, description="转化方式")
    price_wan_yuan: float | None = Field(default=None, gt=0, le=10_000_000, description="价格，万元；空为面议")
    description: str = Field(min_length=10, max_length=20_000)
    media: list[MediaIn] = Field(default_factory=list, max_length=9)
    attachments: list[str] = Field(default_factory=list, max_length=10, description="附件（上传编号）")
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", pattern=PHONE, max_length=20)


class MediaIn(RequestModel):
    type: str = Field(pattern=r"^(image|video)$")
    url: str = Field(min_length=1, max_length=500)
    title: str = Field(default="", max_length=100)


class AchievementUpdate(RequestModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    trl: int | None = Field(default=None, ge=1, le=9)
    ip_type: IpType | None = None
    transfer_modes: list[TransferMode] | None = Field(default=None, min_length=1, max_length=4)
    price_wan_yuan: float | None = Field(default=None, gt=0, le=10_000_000)
    price_negotiable: bool | None = Field(default=None, description="true：改为面议（清空价格）")
    description: str | None = Field(default=None, min_length=10, max_length=20_000)
    attachments: list[str] | None = Field(default=None, max_length=10)
    contact_name: str | None = Field(default=None, max_length=32)
    contact_phone: str | None = Field(default=None, pattern=PHONE, max_length=20)


class _Mine(PublicModel):
    """What the owner sees of its own record: the review state and the reason of a rejection."""

    id: int
    city_code: str
    publication: str
    verification: str = Field(description="pending 待审核；verified 已通过（公开）；rejected 已驳回")
    reject_reason: str | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MyAchievement(_Mine):
    title: str
    owner_name: str
    trl: int
    ip_type: IpType
    transfer_modes: list[TransferMode]
    price_wan_yuan: float | None
    description: str
    attachments: list[str]
    contact_name: str
    contact_phone: str
    industry_code: str | None
    industries: list[str]


class InterestCreate(RequestModel):
    message: str = Field(default="", max_length=500, description="留言（经内容安全检测）")
    share_phone: bool = Field(default=False, description="是否向对方提供联系电话；默认不提供")
    contact_phone: str = Field(default="", pattern=PHONE, max_length=20, description="提供的电话；空则用会员手机号")


class InterestPublic(PublicModel):
    """An interest as the owner of the target sees it: the asker's organisation, the phone only when shared."""

    id: int
    target_type: str
    target_id: int
    target_title: str
    org_name: str
    message: str
    contact_phone: str | None = Field(description="对方选择提供时才有")
    created_at: datetime


class InterestSent(PublicModel):
    id: int
    target_type: str
    target_id: int
    target_title: str
    verification: str = Field(description="pending：留言待审核，审核通过后才通知对方")
    created_at: datetime


# ---------------------------------------------------------------- financing needs


class FinancingNeedCreate(_Industries):
    title: str = Field(min_length=2, max_length=200)
    amount_wan_yuan: float = Field(gt=0, le=10_000_000, description="融资金额，万元")
    stage: FinanceStage
    use_of_funds: str = Field(min_length=2, max_length=5_000, description="资金用途")
    description: str = Field(default="", max_length=20_000)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", pattern=PHONE, max_length=20)


class FinancingNeedUpdate(RequestModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    amount_wan_yuan: float | None = Field(default=None, gt=0, le=10_000_000)
    stage: FinanceStage | None = None
    use_of_funds: str | None = Field(default=None, min_length=2, max_length=5_000)
    description: str | None = Field(default=None, max_length=20_000)
    industry_code: str | None = Field(default=None, max_length=32)
    contact_name: str | None = Field(default=None, max_length=32)
    contact_phone: str | None = Field(default=None, pattern=PHONE, max_length=20)

    _blank_industry = field_validator("industry_code", mode="before")(_blank_is_none)


class MyFinancingNeed(_Mine):
    title: str
    org_name: str
    amount_wan_yuan: float | None
    stage: FinanceStage
    use_of_funds: str
    description: str
    contact_name: str
    contact_phone: str
    industry_code: str | None
    industries: list[str]


class SuggestedFund(PublicModel):
    id: int
    name: str
    manager: str
    city_code: str
    stages: list[FinanceStage]
    industry_match: bool = Field(description="行业相符")


class SuggestedProduct(PublicModel):
    id: int
    name: str
    institution: str
    product_type: ProductType
    city_code: str
    amount_max_wan_yuan: float | None
    industry_match: bool


class FinancingSuggestions(PublicModel):
    funds: list[SuggestedFund]
    products: list[SuggestedProduct]


# ---------------------------------------------------------------- jobs


class JobCreate(_Industries):
    title: str = Field(min_length=2, max_length=200)
    salary_min_k: int | None = Field(default=None, ge=0, le=1000, description="月薪下限，千元")
    salary_max_k: int | None = Field(default=None, ge=0, le=1000, description="月薪上限，千元")
    education: str = Field(default="", max_length=16)
    experience: str = Field(default="", max_length=32)
    headcount: int = Field(default=1, ge=1, le=10_000)
    closing_date: date = Field(description="截止日期（含当日），过后自动关闭")
    description: str = Field(min_length=10, max_length=20_000)
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", pattern=PHONE, max_length=20)

    @model_validator(mode="after")
    def _salary(self) -> JobCreate:
        if self.salary_min_k is not None and self.salary_max_k is not None and self.salary_max_k < self.salary_min_k:
            raise ValueError("月薪上限不能低于下限")
        return self


class JobUpdate(RequestModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    salary_min_k: int | None = Field(default=None, ge=0, le=1000)
    salary_max_k: int | None = Field(default=None, ge=0, le=1000)
    education: str | None = Field(default=None, max_length=16)
    experience: str | None = Field(default=None, max_length=32)
    headcount: int | None = Field(default=None, ge=1, le=10_000)
    closing_date: date | None = None
    description: str | None = Field(default=None, min_length=10, max_length=20_000)
    contact_name: str | None = Field(default=None, max_length=32)
    contact_phone: str | None = Field(default=None, pattern=PHONE, max_length=20)


class MyJob(_Mine):
    title: str
    org_name: str
    salary_min_k: int | None
    salary_max_k: int | None
    education: str
    experience: str
    headcount: int
    closing_date: date | None
    description: str
    contact_name: str
    contact_phone: str
    open: bool = Field(description="未过截止日期")


# ---------------------------------------------------------------- review


class ReviewKind(StrEnum):
    achievement = "achievement"
    financing_need = "financing_need"
    job = "job"
    interest = "interest"
    manager = "manager"
    follow_up = "follow_up"


class ReviewItem(PublicModel):
    kind: ReviewKind
    id: int
    city_code: str
    title: str = Field(description="标题或名称")
    org_name: str
    texts: dict[str, str] = Field(description="待审核的会员文字")
    submitted_at: datetime


class ReviewReject(RequestModel):
    reason: str = Field(min_length=2, max_length=500, description="驳回原因（会告知提交人）")


class ReviewResult(PublicModel):
    kind: ReviewKind
    id: int
    verification: str


AchievementCreate.model_rebuild()
