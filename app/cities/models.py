from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class JumpType(StrEnum):
    """How the map jumps to a city's 科创云平台."""

    miniprogram = "miniprogram"  # wx.navigateToMiniProgram({appId, path})
    webview = "webview"  # <web-view src=url>, for domains verified in our own mini-program
    copy = "copy"  # neither can be opened: the client offers the link to copy


class City(SQLModel, table=True):
    """A member of the 沿沪宁协同创新城市联盟 (七市一区)."""

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=32)
    short_name: str = Field(max_length=8)
    province: str = Field(max_length=16)
    sort: int = Field(default=0)
    # GCJ-02, the datum of WeChat's <map>.
    center_lat: float
    center_lng: float
    # A generous GCJ-02 box around the city, for "this point lies outside its city" data-quality warnings.
    bbox_min_lat: float
    bbox_min_lng: float
    bbox_max_lat: float
    bbox_max_lng: float
    platform_name: str = Field(max_length=64)
    jump_type: str = Field(sa_type=sa.String(16))
    jump_app_id: str | None = Field(default=None, max_length=32)
    jump_path: str | None = Field(default=None, max_length=255)
    jump_url: str | None = Field(default=None, max_length=500)
    leading_industries: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    intro: str = Field(default="", sa_type=sa.Text)
