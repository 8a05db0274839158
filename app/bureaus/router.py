"""Staff API for city bureaus and their API keys (the back-office console calls the same service functions)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.bureaus import service
from app.bureaus.schemas import (
    BureauCreate,
    BureauPublic,
    BureauUpdate,
    KeyCreate,
    KeyIssued,
    KeyPublic,
    KeyRotate,
    KeyRotated,
)
from app.core.db import SessionDep, WriteSessionDep
from app.core.schemas import ItemId
from app.core.security import client_ip
from app.staff.dependencies import StaffAdmin

router = APIRouter(prefix="/staff/bureaus", tags=["bureaus"])


def _issued(plain: str, row: object) -> KeyIssued:
    return KeyIssued.model_validate({**KeyPublic.model_validate(row).model_dump(), "key": plain})


@router.post("", operation_id="bureaus_create", summary="新建推送单位", status_code=201)
def create_bureau(body: BureauCreate, actor: StaffAdmin, request: Request, session: WriteSessionDep) -> BureauPublic:
    """新建一个城市的数据推送单位（科技局等）。市管理员只能为本市创建；免核验只能由区管理员设置。"""
    bureau = service.create_bureau(
        session,
        actor,
        name=body.name,
        city_code=body.city_code.value,
        trusted=body.trusted,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        ip=client_ip(request),
    )
    session.commit()
    return BureauPublic.model_validate(bureau)


@router.get("", operation_id="bureaus_list", summary="推送单位列表")
def list_bureaus(actor: StaffAdmin, session: SessionDep) -> list[BureauPublic]:
    """区管理员看到全部推送单位，市管理员只看到本市的。"""
    return [BureauPublic.model_validate(b) for b in service.list_bureaus(session, actor)]


@router.get("/{bureau_id}", operation_id="bureaus_get", summary="推送单位详情")
def get_bureau(bureau_id: ItemId, actor: StaffAdmin, session: SessionDep) -> BureauPublic:
    """一个推送单位；其他城市的单位对市管理员不存在（404）。"""
    return BureauPublic.model_validate(service.get_bureau(session, actor, bureau_id))


@router.patch("/{bureau_id}", operation_id="bureaus_update", summary="修改推送单位")
def update_bureau(
    bureau_id: ItemId, body: BureauUpdate, actor: StaffAdmin, request: Request, session: WriteSessionDep
) -> BureauPublic:
    """修改名称、联系人、停用或免核验设置（免核验仅区管理员可改）。停用后该单位的密钥立即失效。"""
    bureau = service.get_bureau(session, actor, bureau_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    bureau = service.update_bureau(session, actor, bureau, changes=changes, ip=client_ip(request))
    session.commit()
    return BureauPublic.model_validate(bureau)


@router.post("/{bureau_id}/keys", operation_id="bureaus_key_issue", summary="签发 API 密钥", status_code=201)
def issue_key(
    bureau_id: ItemId, body: KeyCreate, actor: StaffAdmin, request: Request, session: WriteSessionDep
) -> KeyIssued:
    """签发一个 API 密钥：完整密钥只在本次应答中出现一次，库中只存其 HMAC-SHA256；有效期最长 366 天。"""
    bureau = service.get_bureau(session, actor, bureau_id)
    plain, row = service.issue_key(
        session,
        actor,
        bureau,
        scopes=body.scopes,
        expires_in_days=body.expires_in_days,
        name=body.name,
        ip=client_ip(request),
    )
    session.commit()
    return _issued(plain, row)


@router.get("/{bureau_id}/keys", operation_id="bureaus_key_list", summary="API 密钥列表")
def list_keys(bureau_id: ItemId, actor: StaffAdmin, session: SessionDep) -> list[KeyPublic]:
    """推送单位的全部密钥（只含前缀）、范围、有效期、吊销时间与最近使用时间和 IP。"""
    bureau = service.get_bureau(session, actor, bureau_id)
    return [KeyPublic.model_validate(k) for k in service.list_keys(session, bureau)]


@router.post("/{bureau_id}/keys/{key_id}/revoke", operation_id="bureaus_key_revoke", summary="吊销 API 密钥")
def revoke_key(
    bureau_id: ItemId, key_id: ItemId, actor: StaffAdmin, request: Request, session: WriteSessionDep
) -> KeyPublic:
    """立即吊销一个密钥：此后用它推送一律 401。"""
    bureau = service.get_bureau(session, actor, bureau_id)
    key = service.revoke_key(session, actor, bureau, key_id, ip=client_ip(request))
    session.commit()
    return KeyPublic.model_validate(key)


@router.post("/{bureau_id}/keys/{key_id}/rotate", operation_id="bureaus_key_rotate", summary="轮换 API 密钥")
def rotate_key(
    bureau_id: ItemId,
    key_id: ItemId,
    body: KeyRotate,
    actor: StaffAdmin,
    request: Request,
    session: WriteSessionDep,
) -> KeyRotated:
    """签发一个同范围的新密钥（仅显示一次）；旧密钥在过渡期内继续有效，之后过期。"""
    bureau = service.get_bureau(session, actor, bureau_id)
    plain, new, old = service.rotate_key(
        session,
        actor,
        bureau,
        key_id,
        overlap_hours=body.overlap_hours,
        expires_in_days=body.expires_in_days,
        ip=client_ip(request),
    )
    session.commit()
    return KeyRotated(new_key=_issued(plain, new), old_key=KeyPublic.model_validate(old))
