from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import UTCDateTime, utcnow


class UploadKind(StrEnum):
    image = "image"  # 图片：jpg, png, gif, webp
    attachment = "attachment"  # 附件：pdf, Office 文档, 压缩包, 以及图片


class UploadVisibility(StrEnum):
    private = "private"  # only the uploading member
    public = "public"  # anyone with the id (e.g. an image shown on a published record)


class Upload(SQLModel, table=True):
    """A file a member uploaded; the bytes live in storage under `storage_key`, never in the database."""

    __table_args__ = (sa.Index("ix_upload_member_live", "member_id", "deleted_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str = Field(sa_type=sa.String(16))
    visibility: str = Field(default=UploadVisibility.private, sa_type=sa.String(16))
    # The type found by the file's magic bytes (never the client's Content-Type), and its canonical extension.
    content_type: str = Field(max_length=100)
    extension: str = Field(max_length=8)
    # The name the member gave (cleaned); shown to the owner only.
    filename: str = Field(max_length=128)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
