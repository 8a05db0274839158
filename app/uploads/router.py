from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi.responses import FileResponse

from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import ErrorBody
from app.core.schemas import ItemId
from app.members.dependencies import CurrentMember, OptionalMember
from app.uploads import service, sniff
from app.uploads.dependencies import SettingsDep, StorageDep
from app.uploads.models import UploadKind, UploadVisibility
from app.uploads.schemas import UploadPublic

router = APIRouter(prefix="/uploads", tags=["uploads"])


@router.post(
    "",
    status_code=201,
    operation_id="upload_create",
    summary="上传图片或附件",
    responses={
        401: {"model": ErrorBody, "description": "未登录"},
        413: {"model": ErrorBody, "description": "文件过大"},
    },
)
def create_upload(
    session: WriteSessionDep,
    member: CurrentMember,
    settings: SettingsDep,
    storage: StorageDep,
    file: Annotated[UploadFile, File(description="文件（每次一个，multipart）")],
    kind: Annotated[UploadKind, Form(description="image 图片 / attachment 附件")],
    visibility: Annotated[UploadVisibility, Form(description="private 仅自己可见 / public 公开")] = (
        UploadVisibility.private
    ),
) -> UploadPublic:
    """以 multipart 上传一个文件（小程序 wx.uploadFile，name 为 file）。文件类型按内容识别（而非文件名），
    扩展名须与内容一致；图片限 jpg/png/gif/webp，附件另可为 pdf、Office 文档与 zip。超过大小上限返回 413。
    返回的 id 可在我要发榜、我要揭榜中作为附件引用。"""
    stored = service.save_file(storage, settings, kind, file.file, file.filename or "")
    try:
        upload = service.create(session, member, kind, visibility, stored)
        session.commit()
    except BaseException:
        storage.remove(stored.key)
        raise
    return UploadPublic.of(upload, viewer_id=member.id, url=service.content_url(upload.id or 0))


@router.get("/{upload_id}", operation_id="upload_get", summary="文件信息")
def get_upload(session: SessionDep, viewer: OptionalMember, upload_id: ItemId) -> UploadPublic:
    """自己上传的文件，或公开的文件；他人的私有文件返回 404。"""
    upload = service.get_visible(session, upload_id, viewer)
    return UploadPublic.of(upload, viewer_id=viewer.id if viewer else None, url=service.content_url(upload_id))


@router.get(
    "/{upload_id}/content",
    operation_id="upload_content",
    summary="下载文件",
    response_class=FileResponse,
    responses={200: {"content": sniff.CONTENT_TYPES_DOC, "description": "文件内容（类型按文件内容识别）"}},
)
def get_upload_content(
    session: SessionDep, viewer: OptionalMember, storage: StorageDep, upload_id: ItemId
) -> FileResponse:
    """文件内容。图片内联显示，附件作为下载；私有文件仅上传者本人可取（请求头带登录令牌）。"""
    upload = service.get_visible(session, upload_id, viewer)
    path = storage.path(upload.storage_key)
    if not path.is_file():
        raise service.UploadNotFound()
    mine = viewer is not None and viewer.id == upload.member_id
    name = upload.filename if mine else f"file{upload.id}.{upload.extension}"
    disposition = "inline" if upload.kind == UploadKind.image else "attachment"
    private = upload.visibility != UploadVisibility.public
    return FileResponse(
        path,
        media_type=upload.content_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="file{upload.id}.{upload.extension}"; '
            f"filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store" if private else "public, max-age=86400",
        },
    )


@router.delete(
    "/{upload_id}",
    status_code=204,
    operation_id="upload_delete",
    summary="删除文件",
    responses={401: {"model": ErrorBody, "description": "未登录"}},
)
def delete_upload(session: WriteSessionDep, member: CurrentMember, storage: StorageDep, upload_id: ItemId) -> Response:
    """删除自己上传的文件；他人的文件返回 404，且不受影响。"""
    key = service.delete(session, upload_id, member)
    session.commit()
    storage.remove(key)
    return Response(status_code=204)
