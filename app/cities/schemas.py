from __future__ import annotations

from app.cities.models import JumpType
from app.core.schemas import PublicModel


class JumpTarget(PublicModel):
    """How to open the city's 科创云平台: another mini-program, a web-view page, or a link to copy."""

    type: JumpType
    app_id: str | None = None
    path: str | None = None
    url: str | None = None


class CityPublic(PublicModel):
    code: str
    name: str
    short_name: str
    province: str
    center_lat: float
    center_lng: float
    platform_name: str
    jump: JumpTarget
    leading_industries: list[str]
    intro: str
