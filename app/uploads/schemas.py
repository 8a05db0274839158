from __future__ import annotations

from datetime import datetime

from app.core.schemas import PublicModel
from app.uploads.models import Upload, UploadKind, UploadVisibility

NEUTRAL_NAMES = {UploadKind.image: "图片", UploadKind.attachment: "附件"}


class UploadPublic(PublicModel):
    """An upload as its owner or, when public, anyone else sees it. `url` serves the bytes."""

    id: int
    kind: UploadKind
    visibility: UploadVisibility
    content_type: str
    filename: str
    size: int
    sha256: str
    url: str
    is_mine: bool
    created_at: datetime

    @classmethod
    def of(cls, upload: Upload, *, viewer_id: int | None, url: str) -> UploadPublic:
        mine = viewer_id is not None and upload.member_id == viewer_id
        # The member's own file name is user text that has passed no content check: only its owner sees it.
        name = upload.filename if mine else f"{NEUTRAL_NAMES[UploadKind(upload.kind)]}{upload.id}.{upload.extension}"
        return cls(
            id=upload.id or 0,
            kind=UploadKind(upload.kind),
            visibility=UploadVisibility(upload.visibility),
            content_type=upload.content_type,
            filename=name,
            size=upload.size,
            sha256=upload.sha256,
            url=url,
            is_mine=mine,
            created_at=upload.created_at,
        )
