from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.core.schemas import PublicModel


class BannerPublic(PublicModel):
    id: int
    title: str
    image_url: str
    link: str
    city_code: str | None


class BoardEntry(PublicModel):
    board: str
    name: str
    count: int = Field(description="公开条数；count_exact 为 false 时是下限（每类只数到 10000 条）")
    count_exact: bool = Field(description="count 是否为精确值")


class LatestItem(PublicModel):
    board: str
    kind: str
    id: int
    title: str
    city_code: str
    published_at: datetime | None


class HomePublic(PublicModel):
    city: str | None
    banners: list[BannerPublic]
    boards: list[BoardEntry]
    latest_demands: list[LatestItem]
    latest_policies: list[LatestItem]
    latest_achievements: list[LatestItem]


class Option(PublicModel):
    value: str
    label: str


class DictionariesPublic(PublicModel):
    """Every value a list can be filtered or sorted by, with its Chinese label, for the filter chips."""

    city: list[Option]
    sort: list[Option]
    deadline_sort: list[Option]
    validity: list[Option]
    policy_level: list[Option]
    policy_category: list[Option]
    resource_kind: list[Option]
    platform_level: list[Option]
    demand_type: list[Option]
    finance_stage: list[Option]
    product_type: list[Option]
    talent_category: list[Option]
    ip_type: list[Option]
    transfer_mode: list[Option]
    event_type: list[Option]
    cooperation_type: list[Option]
    tense: list[Option]
