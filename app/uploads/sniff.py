"""What a file really is, from its first bytes (and, for Office documents, its zip directory); never from its name.

Pure functions, no database: `sniff(head)` names the format, `check_name(...)` refuses a name whose extension says
something else, `clean_filename(...)` keeps a safe display name.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.uploads.models import UploadKind

HEAD_BYTES = 16


@dataclass(frozen=True)
class FileType:
    name: str
    content_type: str
    extensions: tuple[str, ...]  # the first is canonical
    kinds: tuple[UploadKind, ...]


_IMAGE_KINDS = (UploadKind.image, UploadKind.attachment)
_DOC_KINDS = (UploadKind.attachment,)

JPEG = FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), _IMAGE_KINDS)
PNG = FileType("png", "image/png", ("png",), _IMAGE_KINDS)
GIF = FileType("gif", "image/gif", ("gif",), _IMAGE_KINDS)
WEBP = FileType("webp", "image/webp", ("webp",), _IMAGE_KINDS)
PDF = FileType("pdf", "application/pdf", ("pdf",), _DOC_KINDS)
ZIP = FileType("zip", "application/zip", ("zip",), _DOC_KINDS)
OLE = FileType("ole", "application/x-ole-storage", ("doc", "xls", "ppt"), _DOC_KINDS)
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), _DOC_KINDS
)
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), _DOC_KINDS)
PPTX = FileType(
    "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",), _DOC_KINDS
)

_OLE_TYPES = {
    "doc": FileType("doc", "application/msword", ("doc",), _DOC_KINDS),
    "xls": FileType("xls", "application/vnd.ms-excel", ("xls",), _DOC_KINDS),
    "ppt": FileType("ppt", "application/vnd.ms-powerpoint", ("ppt",), _DOC_KINDS),
}
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}

# Every Content-Type the file endpoint can answer with, for its OpenAPI description.
CONTENT_TYPES_DOC: dict[str, dict[str, object]] = {
    t.content_type: {"schema": {"type": "string", "format": "binary"}}
    for t in (JPEG, PNG, GIF, WEBP, PDF, ZIP, DOCX, XLSX, PPTX, *_OLE_TYPES.values())
}

# What each kind accepts, for the error message.
ACCEPTED = {
    UploadKind.image: "jpg、png、gif、webp",
    UploadKind.attachment: "pdf、doc(x)、xls(x)、ppt(x)、zip、jpg、png、gif、webp",
}


def sniff(head: bytes) -> FileType | None:
    """The format the first bytes announce, or None. A zip may still turn out to be an Office document."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    return None


def refine_zip(path: Path) -> FileType | None:
    """A zip is a docx/xlsx/pptx when its directory says so; None when it is no readable zip at all."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names:
        for prefix, kind in _OOXML_PARTS.items():
            if any(n.startswith(prefix) for n in names):
                return kind
    return ZIP


def extension_of(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix if suffix.isalnum() else ""


def resolve(found: FileType, filename: str) -> FileType | None:
    """The type to store when the name's extension agrees with the content; None when it does not."""
    ext = extension_of(filename)
    if found is OLE:
        return _OLE_TYPES.get(ext)
    return found if ext in found.extensions else None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def clean_filename(filename: str, fallback_ext: str) -> str:
    """The base name without path, control or shell characters, at most 100 characters, keeping the extension."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = f"file.{fallback_ext}"
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 100 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else name[:100]
    return name
