from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class Banner(SQLModel, table=True):
    """A home-page banner managed by staff; `city_code` None shows it for every city."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=64)
    image_url: str = Field(max_length=500)
    # Where a tap leads: a board item ("policy:12"), a page path of our mini-program, or an H5 URL.
    link: str = Field(default="", max_length=500)
    city_code: str | None = Field(default=None, foreign_key="city.code", index=True, max_length=16)
    sort: int = Field(default=0)
    active: bool = Field(default=True)
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    extra: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
