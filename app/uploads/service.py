"""Uploads: files stored under `UPLOAD_DIR` (object storage later: only `LocalStorage` changes), rows in `upload`.

A file is checked while it is copied from the request: size against the kind's limit, type by its magic bytes, and
the name's extension against that type. Only the uploading member sees a private upload; a public one (an image on
a published record) anyone may fetch. 发榜/揭榜 reference uploads by id through `claim()` and `attachment_refs()`,
and make them public with `publish()` when the record goes public.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.config import Settings
from app.core.errors import AppError, Invalid, NotFound
from app.core.models import utcnow
from app.members.models import Member
from app.uploads import sniff
from app.uploads.models import Upload, UploadKind, UploadVisibility

CHUNK = 64 * 1024
API_PATH = "/api/v1/uploads"


class UploadTooLarge(AppError):
    status_code = 413
    code = "upload_too_large"
    message = "文件过大"


class UploadNotFound(NotFound):
    code = "upload_not_found"
    message = "文件不存在或已删除"


def content_url(upload_id: int) -> str:
    return f"{API_PATH}/{upload_id}/content"


def limit_for(settings: Settings, kind: UploadKind) -> int:
    return settings.upload_image_max_bytes if kind is UploadKind.image else settings.upload_attachment_max_bytes


class LocalStorage:
    """Files in a local directory, two-level fan-out by a random key; writes go through a temporary file."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not key or ".." in key or key.startswith("/"):
            raise ValueError("bad storage key")
        return self.root / key

    def new_key(self) -> str:
        token = secrets.token_hex(16)
        return f"{token[:2]}/{token}"

    def temp_path(self) -> Path:
        tmp = self.root / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        return tmp / f"{secrets.token_hex(16)}.part"

    def commit(self, temp: Path, key: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)

    def remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str
    file_type: sniff.FileType
    filename: str


def _kb(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"


def save_file(storage: LocalStorage, settings: Settings, kind: UploadKind, src: BinaryIO, filename: str) -> StoredFile:
    """Copies the request's file into storage after every check; nothing is left behind when a check fails."""
    limit = limit_for(settings, kind)
    temp = storage.temp_path()
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with temp.open("wb") as out:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(
                        f"文件过大：{'图片' if kind is UploadKind.image else '附件'}不能超过 {_kb(limit)}",
                        detail={"limit_bytes": limit, "kind": kind.value},
                    )
                if len(head) < sniff.HEAD_BYTES:
                    head += chunk[: sniff.HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid("文件为空", code="upload_empty", detail=[{"field": "file", "message": "文件为空"}])
        found = sniff.sniff(head)
        if found is sniff.ZIP:
            found = sniff.refine_zip(temp)
        if found is None or kind not in found.kinds:
            raise Invalid(
                f"不支持的文件类型，{'图片' if kind is UploadKind.image else '附件'}只能是 {sniff.ACCEPTED[kind]}",
                code="upload_type_unsupported",
                detail=[{"field": "file", "message": "文件类型不支持", "type": "upload_type_unsupported"}],
            )
        resolved = sniff.resolve(found, filename)
        if resolved is None:
            raise Invalid(
                "文件内容与扩展名不符，请选择原始文件",
                code="upload_type_mismatch",
                detail=[{"field": "file", "message": "文件内容与扩展名不符", "type": "upload_type_mismatch"}],
            )
        key = storage.new_key()
        storage.commit(temp, key)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return StoredFile(
        key=key,
        size=size,
        sha256=digest.hexdigest(),
        file_type=resolved,
        filename=sniff.clean_filename(filename, resolved.extensions[0]),
    )


def create(
    session: Session, member: Member, kind: UploadKind, visibility: UploadVisibility, stored: StoredFile
) -> Upload:
    upload = Upload(
        member_id=member.id or 0,
        kind=kind,
        visibility=visibility,
        content_type=stored.file_type.content_type,
        extension=sniff.extension_of(stored.filename) or stored.file_type.extensions[0],
        filename=stored.filename,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
    )
    session.add(upload)
    session.flush()
    return upload


def get_visible(session: Session, upload_id: int, viewer: Member | None) -> Upload:
    """A live upload the viewer may see: its own, or a public one. Anything else is a 404 (existence not revealed)."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.deleted_at is not None:
        raise UploadNotFound()
    if upload.visibility != UploadVisibility.public and (viewer is None or viewer.id != upload.member_id):
        raise UploadNotFound()
    return upload


def delete(session: Session, upload_id: int, member: Member) -> str:
    """Marks the member's own live upload deleted in one conditional UPDATE; returns the storage key to remove."""
    result = session.execute(
        update(Upload)
        .where(
            col(Upload.id) == upload_id,
            col(Upload.member_id) == member.id,
            col(Upload.deleted_at).is_(None),
        )
        .values(deleted_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UploadNotFound()
    key = session.exec(select(Upload.storage_key).where(Upload.id == upload_id)).one()
    return key


def claim(
    session: Session, member_id: int, upload_ids: Sequence[int], *, kinds: Iterable[UploadKind] | None = None
) -> list[Upload]:
    """The member's own live uploads with these ids, in the given order, for a 发榜/揭榜 form to reference.

    Raises a 422 naming the ids that are not the member's (or deleted, or of another kind): a form can never
    point at somebody else's file.
    """
    wanted = list(dict.fromkeys(upload_ids))
    if not wanted:
        return []
    rows = session.exec(
        select(Upload).where(
            col(Upload.id).in_(wanted),
            Upload.member_id == member_id,
            col(Upload.deleted_at).is_(None),
        )
    ).all()
    allowed = {k.value for k in kinds} if kinds is not None else None
    found = {u.id: u for u in rows if allowed is None or u.kind in allowed}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise Invalid(
            "附件不存在或不属于您，请重新上传",
            code="upload_not_owned",
            detail=[{"field": "attachments", "message": "附件不存在或不属于您", "ids": missing}],
        )
    return [found[i] for i in wanted]


def attachment_refs(uploads: Iterable[Upload]) -> list[dict[str, str]]:
    """What a record stores for each referenced upload (fits `attachments: list[dict[str, str]]` columns)."""
    return [
        {
            "upload_id": str(u.id),
            "kind": u.kind,
            "name": u.filename,
            "content_type": u.content_type,
            "url": content_url(u.id or 0),
        }
        for u in uploads
    ]


_CONTENT_URL = re.compile(r"/api/v1/uploads/(\d{1,10})/content$")


def upload_ids_in(urls: Iterable[str]) -> list[int]:
    """The upload ids behind attachment URLs of this API (absolute or not), e.g. to `publish()` them with a record
    whose attachments are stored as {name, url}. Other URLs are ignored."""
    ids = []
    for url in urls:
        m = _CONTENT_URL.search(str(url).split("?", 1)[0])
        if m and 1 <= int(m.group(1)) <= 2_147_483_647:
            ids.append(int(m.group(1)))
    return list(dict.fromkeys(ids))


def publish(session: Session, upload_ids: Iterable[int]) -> int:
    """Makes the given uploads public (their record was published); returns how many changed."""
    ids = list(upload_ids)
    if not ids:
        return 0
    result = session.execute(
        update(Upload)
        .where(col(Upload.id).in_(ids), col(Upload.visibility) != UploadVisibility.public)
        .values(visibility=UploadVisibility.public)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
