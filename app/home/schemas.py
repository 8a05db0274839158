from __future__ import annotations

from datetime import datetime

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
    count: int


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
