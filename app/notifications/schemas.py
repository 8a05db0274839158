from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from app.core.schemas import PublicModel, RequestModel


class NotificationPublic(PublicModel):
    id: int
    kind: str
    title: str
    body: str
    link: str
    read_at: datetime | None
    created_at: datetime


class InboxQuery(RequestModel):
    unread_only: bool = Field(default=False, description="只看未读")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=50)


class UnreadCount(PublicModel):
    unread: int


class MarkedRead(PublicModel):
    updated: int


class WeChatGrants(RequestModel):
    """What wx.requestSubscribeMessage answered: {模板 ID: accept | reject | ban | filter} (at most 3 per request)."""

    results: dict[str, Literal["accept", "reject", "ban", "filter"]] = Field(min_length=1, max_length=3)


class CreditPublic(PublicModel):
    template_id: str
    credits: int
    updated_at: datetime


class CreditList(PublicModel):
    notice_template_id: str
    items: list[CreditPublic]
