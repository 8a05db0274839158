from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from app.boards.showcase.models import EventType, IpType, TransferMode
from app.core.listing import DeadlineSort, ListQuery, Sort
from app.core.schemas import MaskedPhone, PublicModel, RecordPublic


class AchievementQuery(ListQuery):
    ip_type: IpType | None = Field(default=None, description="知识产权类型")
    transfer_mode: TransferMode | None = Field(default=None, description="转化方式：成果的转化方式包含此项")
    trl_min: int | None = Field(default=None, ge=1, le=9, description="技术成熟度（TRL）不低于")
    sort: Sort = Sort.newest


class MediaItem(PublicModel):
    type: str = ""
    url: str = ""
    title: str = ""


class AchievementSummary(RecordPublic):
    title: str
    owner_name: str = Field(description="成果持有方")
    trl: int = Field(description="技术成熟度 1–9")
    ip_type: IpType
    transfer_modes: list[TransferMode]
    price_wan_yuan: float | None = Field(description="价格，万元；面议时为空")
    price_negotiable: bool = Field(description="价格面议")


class AchievementPublic(AchievementSummary):
    description: str
    media: list[MediaItem]
    contact_name: str
    contact_phone: MaskedPhone


class EventQuery(ListQuery):
    event_type: EventType | None = Field(default=None, description="活动类型")
    upcoming: bool | None = Field(default=None, description="true：未结束（即将开始或进行中）；false：已结束")
    sort: DeadlineSort = Field(
        default=DeadlineSort.newest, description="deadline：未结束的按开始时间由近及远，其后为已结束的活动"
    )


class EventSummary(RecordPublic):
    title: str
    event_type: EventType
    organizer: str
    starts_at: datetime
    ends_at: datetime | None
    registration_deadline: date | None = Field(description="报名截止日期")
    venue: str
    address: str
    lat: float | None = Field(description="纬度（GCJ-02）")
    lng: float | None = Field(description="经度（GCJ-02）")
    capacity: int | None = Field(description="名额；空为不限")
    registered_count: int
    registration_open: bool = Field(description="当前可报名：未开始、未过报名截止日期且有名额")


class EventPublic(EventSummary):
    description: str
