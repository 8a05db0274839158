from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.core.schemas import PublicModel, RequestModel


class LoginRequest(RequestModel):
    code: str = Field(min_length=1, max_length=128, description="wx.login 取得的临时登录凭证（只能使用一次）")
    privacy_version: str | None = Field(
        default=None, max_length=16, description="用户在登录页同意的隐私政策版本；同意后才保存个人资料"
    )


class PrivacyConsent(RequestModel):
    version: str = Field(min_length=1, max_length=16, description="同意的隐私政策版本，须为当前版本")


class PrivacyPolicyPublic(PublicModel):
    version: str
    summary: list[str]


class MembershipPublic(PublicModel):
    org_id: int
    org_name: str
    credit_code: str
    verification: str
    role: str
    acting: bool


class MeProfile(PublicModel):
    """The member's own profile: the only answer that carries openid and unionid."""

    id: int
    openid: str
    unionid: str | None
    nickname: str
    avatar_url: str
    phone: str
    privacy_version: str | None
    privacy_consented_at: datetime | None
    privacy_consent_required: bool
    acting_org_id: int | None
    memberships: list[MembershipPublic]
    created_at: datetime
    last_login_at: datetime | None


class MeUpdate(RequestModel):
    nickname: str | None = Field(default=None, min_length=1, max_length=32)
    avatar_url: str | None = Field(default=None, max_length=500, pattern=r"^https://")


class PhoneBind(RequestModel):
    code: str = Field(min_length=1, max_length=128, description="手机号快速验证组件返回的 code")


class LoginToken(PublicModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    current_privacy_version: str
    member: MeProfile


class ActingOrgSelect(RequestModel):
    org_id: int = Field(ge=1, le=2_147_483_647)
