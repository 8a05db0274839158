from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class Member(SQLModel, table=True):
    """A mini-program user (会员), known by the openid WeChat gives for our app."""

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64, unique=True)
    unionid: str | None = Field(default=None, max_length=64)
    nickname: str = Field(default="", max_length=64)
    avatar_url: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=32)
    # The privacy policy the member consented to; nothing personal is kept before it is set.
    privacy_version: str | None = Field(default=None, max_length=16)
    privacy_consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The verified organisation the member currently acts for.
    acting_org_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MemberSession(SQLModel, table=True):
    """Our own login token for a member; WeChat's session_key stays here and never leaves the server."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    wechat_session_key: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MembershipRole(StrEnum):
    admin = "admin"
    member = "member"


class OrgMembership(SQLModel, table=True):
    """A member belongs to an organisation; several members may belong to one."""

    __table_args__ = (sa.UniqueConstraint("member_id", "org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    role: str = Field(default=MembershipRole.member, sa_type=sa.String(16))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
