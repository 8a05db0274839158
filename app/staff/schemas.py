from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.core.schemas import PublicModel, RequestModel
from app.staff.models import StaffRole


class StaffLogin(RequestModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    totp: str | None = Field(default=None, pattern=r"^\d{6}$", description="管理员的动态口令（6 位数字）")


class StaffPublic(PublicModel):
    id: int
    username: str
    display_name: str
    role: StaffRole
    city_code: str | None


class StaffToken(PublicModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    staff: StaffPublic
