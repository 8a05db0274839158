from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.bureaus.models import PushScope
from app.core.schemas import CityCode, MaskedPhone, PublicModel, RequestModel


class BureauCreate(RequestModel):
    name: str = Field(min_length=2, max_length=64, description="推送单位名称，如“无锡市科学技术局”")
    city_code: CityCode = Field(description="所属城市；市管理员只能为本市创建")
    trusted: bool = Field(default=False, description="免核验：推送的数据无需工作人员核验即公开（仅区管理员可设）")
    contact_name: str = Field(default="", max_length=32)
    contact_phone: str = Field(default="", max_length=32)


class BureauUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=2, max_length=64)
    trusted: bool | None = Field(default=None, description="免核验（仅区管理员可改）")
    active: bool | None = Field(default=None, description="停用后该单位的所有密钥立即失效")
    contact_name: str | None = Field(default=None, max_length=32)
    contact_phone: str | None = Field(default=None, max_length=32)


class BureauPublic(PublicModel):
    id: int
    name: str
    city_code: str
    trusted: bool
    active: bool
    contact_name: str
    contact_phone: MaskedPhone
    created_at: datetime


class KeyCreate(RequestModel):
    name: str = Field(default="", max_length=64, description="备注，如“夜间同步”")
    scopes: list[PushScope] = Field(min_length=1, max_length=8, description="可推送的板块")
    expires_in_days: int = Field(default=365, ge=1, le=366, description="有效期（天），最长 366 天")


class KeyRotate(RequestModel):
    overlap_hours: int = Field(default=24, ge=0, le=168, description="旧密钥继续有效的过渡时间（小时）")
    expires_in_days: int = Field(default=365, ge=1, le=366, description="新密钥有效期（天）")


class KeyPublic(PublicModel):
    id: int
    bureau_id: int
    name: str
    prefix: str = Field(description="密钥前缀（明文，用于辨认）")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    rotated_from_id: int | None
    last_used_at: datetime | None
    last_used_ip: str


class KeyIssued(KeyPublic):
    key: str = Field(description="完整密钥，仅此一次显示，请立即妥善保存")


class KeyRotated(PublicModel):
    new_key: KeyIssued
    old_key: KeyPublic
