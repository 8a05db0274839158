"""推送单位与密钥, 推送报告, Excel 导入: pages over app/bureaus (service, reports, xlsx), as the staff API uses them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from app.admin.deps import Perm, allowed_city, require
from app.admin.registry import BOARD_NAMES, EDITABLES, FIELD_LABELS
from app.admin.render import redirect, render
from app.admin.security import check_csrf
from app.bureaus import reports, service
from app.bureaus.kinds import KINDS, PushKind
from app.bureaus.models import Bureau, BureauKey, PushScope
from app.bureaus.schemas import BureauCreate
from app.bureaus.xlsx import LABELS_ZH, MAX_XLSX_BYTES, XLSX, import_workbook, template_bytes
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import AppError, Forbidden, Invalid, NotFound, field_errors
from app.core.models import utcnow
from app.core.schemas import ItemId
from app.core.security import client_ip
from app.staff.models import StaffRole, StaffUser
from app.staff.service import city_scope

router = APIRouter()
Keeper = Annotated[StaffUser, Depends(require(Perm.bureaus))]
Importer = Annotated[StaffUser, Depends(require(Perm.export))]

EXPIRY_WARNING = timedelta(days=14)
BATCH_PAGE_SIZE = 20
# Why no-store: the page with a plain key must not come back from the browser's cache (Back button, history).
NO_STORE = {"Cache-Control": "no-store"}
SCOPE_LABELS = {**BOARD_NAMES, "demands": "揭榜挂帅（需求清单）", "cooperation": "合作清单"}
OUTCOMES = {
    "created": "新建",
    "updated": "更新",
    "unchanged": "未变",
    "stale": "较旧未覆盖",
    "removed": "下线",
    "error": "有误",
    "skipped": "未写入",
}
BATCH_STATUS = {"applied": "已写入", "partial": "部分写入", "rejected": "整批未写入"}
ORIGINS = {"api": "接口推送", "xlsx": "单位上传 Excel", "staff_import": "后台代导入"}
_EDIT_KEY = {e.model: e.key for e in EDITABLES}
_KIND_NAMES = {k.value for k in PushKind}


# ---------------------------------------------------------------- helpers


def key_state(key: BureauKey) -> tuple[str, str]:
    """(label, css class) of a key: revoked, expired, expiring within EXPIRY_WARNING, or valid."""
    now = utcnow()
    if key.revoked_at is not None:
        return "已吊销", "bad"
    if not service.key_is_active(key, now):
        return "已过期", "bad"
    left = key.expires_at - now
    if left <= EXPIRY_WARNING:
        return f"即将过期（{max(left.days, 0)} 天内）", "warn"
    return "有效", "ok"


def _bureau_row(session: Session, bureau: Bureau) -> dict[str, Any]:
    keys = service.list_keys(session, bureau)
    states = [key_state(k) for k in keys]
    active = sum(1 for k in keys if service.key_is_active(k))
    expiring = sum(1 for label, _ in states if label.startswith("即将过期"))
    expired = sum(1 for label, _ in states if label == "已过期")
    return {"bureau": bureau, "keys": len(keys), "active": active, "expiring": expiring, "expired": expired}


def _field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or LABELS_ZH.get(name) or name


def report_view(kind_name: str, status_code: int, body: dict[str, Any]) -> dict[str, Any]:
    """A push answer (200: the report; 422: the error shape with the report in `detail`) as the page shows it."""
    detail = body.get("detail")
    report: dict[str, Any] = detail if status_code != 200 and isinstance(detail, dict) else body
    kind = KINDS[PushKind(kind_name)] if kind_name in _KIND_NAMES else None
    edit_key = _EDIT_KEY.get(kind.model) if kind is not None else None
    rows = []
    for r in report.get("results", []):
        rows.append(
            {
                "n": r.get("index", 0) + 1,
                "source_id": r.get("source_id") or "",
                "outcome": r.get("outcome", ""),
                "label": OUTCOMES.get(r.get("outcome", ""), r.get("outcome", "")),
                "id": r.get("id"),
                "link": f"/admin/boards/{edit_key}/{r['id']}" if edit_key and r.get("id") else None,
                "errors": [
                    f"{_field_label(e.get('field') or '')}（{e.get('path', '')}）：{e.get('message', '')}"
                    for e in r.get("errors", [])
                ],
                "warnings": [e.get("message", "") for e in r.get("warnings", [])],
            }
        )
    return {
        "message": body.get("message", "") if status_code != 200 else "",
        "status": report.get("status", ""),
        "status_label": BATCH_STATUS.get(report.get("status", ""), report.get("status", "")),
        "counts": {OUTCOMES.get(k, "提示" if k == "warning" else k): v for k, v in report.get("counts", {}).items()},
        "rows": rows,
        "written": [r for r in rows if r["outcome"] in ("created", "updated")],
        "batch_id": report.get("batch_id"),
    }


def _kinds() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in KINDS.values():
        groups.setdefault(SCOPE_LABELS.get(kind.scope.value, kind.scope.value), []).append(
            (kind.name.value, kind.label)
        )
    return list(groups.items())


# ---------------------------------------------------------------- bureaus


@router.get("/bureaus")
def bureau_list(request: Request, user: Keeper, session: SessionDep) -> Response:
    rows = [_bureau_row(session, b) for b in service.list_bureaus(session, user)]
    return render(
        request,
        "bureaus.html",
        user,
        rows=rows,
        fixed_city=allowed_city(user, None),
        may_trust=user.role == StaffRole.district_admin,
        warning_days=EXPIRY_WARNING.days,
    )


@router.post("/bureaus", dependencies=[Depends(check_csrf)])
def bureau_create(
    request: Request,
    user: Keeper,
    session: WriteSessionDep,
    name: Annotated[str, Form(max_length=200)] = "",
    city_code: Annotated[str, Form(max_length=16)] = "",
    contact_name: Annotated[str, Form(max_length=200)] = "",
    contact_phone: Annotated[str, Form(max_length=200)] = "",
    trusted: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    try:
        body = BureauCreate.model_validate(
            {
                "name": name.strip(),
                # A city's admin creates in the own city whatever the form says.
                "city_code": allowed_city(user, city_code or None),
                "trusted": trusted == "on",
                "contact_name": contact_name.strip(),
                "contact_phone": contact_phone.strip(),
            }
        )
    except ValidationError as exc:
        raise Invalid(detail=field_errors(exc.errors())) from exc
    bureau = service.create_bureau(
        session,
        user,
        name=body.name,
        city_code=body.city_code.value,
        trusted=body.trusted,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        ip=client_ip(request),
    )
    session.commit()
    return redirect(f"/admin/bureaus/{bureau.id}", "已新建推送单位")


@router.get("/bureaus/{bureau_id}")
def bureau_detail(
    request: Request,
    user: Keeper,
    session: SessionDep,
    bureau_id: ItemId,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    bureau = service.get_bureau(session, user, bureau_id)
    keys = [(k, *key_state(k)) for k in service.list_keys(session, bureau)]
    batches = reports.list_batches(session, bureau.id, page, BATCH_PAGE_SIZE)
    return render(
        request,
        "bureau_detail.html",
        user,
        bureau=bureau,
        keys=keys,
        batches=batches,
        scopes=[(s.value, SCOPE_LABELS.get(s.value, s.value)) for s in PushScope],
        scope_labels=SCOPE_LABELS,
        kind_labels={k.name.value: k.label for k in KINDS.values()},
        batch_status=BATCH_STATUS,
        origins=ORIGINS,
        active_ids={k.id for k, _, _ in keys if service.key_is_active(k)},
        max_days=service.MAX_KEY_DAYS,
        max_overlap=service.MAX_OVERLAP_HOURS,
        page=page,
        page_size=BATCH_PAGE_SIZE,
        total=batches.total,
        query="",
    )


@router.post("/bureaus/{bureau_id}/keys", dependencies=[Depends(check_csrf)])
def key_issue(
    request: Request,
    user: Keeper,
    session: WriteSessionDep,
    bureau_id: ItemId,
    scopes: Annotated[list[PushScope], Form(max_length=len(PushScope))] = [],  # noqa: B006 - FastAPI copies it
    expires_in_days: Annotated[int, Form(ge=1, le=service.MAX_KEY_DAYS)] = 365,
    name: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    bureau = service.get_bureau(session, user, bureau_id)
    plain, row = service.issue_key(
        session, user, bureau, scopes=scopes, expires_in_days=expires_in_days, name=name.strip(), ip=client_ip(request)
    )
    session.commit()
    page = render(
        request, "key_issued.html", user, bureau=bureau, plain=plain, key=row, old=None, scope_labels=SCOPE_LABELS
    )
    page.headers.update(NO_STORE)
    return page


@router.post("/bureaus/{bureau_id}/keys/{key_id}/revoke", dependencies=[Depends(check_csrf)])
def key_revoke(request: Request, user: Keeper, session: WriteSessionDep, bureau_id: ItemId, key_id: ItemId) -> Response:
    bureau = service.get_bureau(session, user, bureau_id)
    key = service.revoke_key(session, user, bureau, key_id, ip=client_ip(request))
    session.commit()
    return redirect(f"/admin/bureaus/{bureau_id}", f"已吊销密钥 {key.prefix}，此后用它推送一律被拒绝")


@router.post("/bureaus/{bureau_id}/keys/{key_id}/rotate", dependencies=[Depends(check_csrf)])
def key_rotate(
    request: Request,
    user: Keeper,
    session: WriteSessionDep,
    bureau_id: ItemId,
    key_id: ItemId,
    overlap_hours: Annotated[int, Form(ge=0, le=service.MAX_OVERLAP_HOURS)] = 24,
    expires_in_days: Annotated[int, Form(ge=1, le=service.MAX_KEY_DAYS)] = 365,
) -> Response:
    bureau = service.get_bureau(session, user, bureau_id)
    plain, new, old = service.rotate_key(
        session,
        user,
        bureau,
        key_id,
        overlap_hours=overlap_hours,
        expires_in_days=expires_in_days,
        ip=client_ip(request),
    )
    session.commit()
    page = render(
        request, "key_issued.html", user, bureau=bureau, plain=plain, key=new, old=old, scope_labels=SCOPE_LABELS
    )
    page.headers.update(NO_STORE)
    return page


@router.get("/bureaus/{bureau_id}/batches/{batch_id}")
def batch_report(request: Request, user: Keeper, session: SessionDep, bureau_id: ItemId, batch_id: ItemId) -> Response:
    bureau = service.get_bureau(session, user, bureau_id)
    batch = reports.get_batch(session, bureau.id, batch_id, city_code=city_scope(user))
    return render(
        request,
        "import_report.html",
        user,
        title=f"推送报告 #{batch.id}",
        bureau=bureau,
        batch=batch,
        kind_label=KINDS[PushKind(batch.kind)].label if batch.kind in _KIND_NAMES else batch.kind,
        origin=ORIGINS.get(batch.origin, batch.origin),
        report=report_view(batch.kind, batch.http_status, batch.response),
        replayed=False,
    )


# ---------------------------------------------------------------- Excel import


@router.get("/imports")
def import_index(request: Request, user: Importer, session: SessionDep) -> Response:
    return render(request, "imports.html", user, groups=_kinds())


@router.get("/imports/{kind}/template")
def import_template(user: Importer, kind: PushKind) -> Response:
    return Response(
        template_bytes(KINDS[kind]),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="push-{kind.value}.xlsx"'},
    )


def _import_form(
    request: Request,
    user: StaffUser,
    session: Session,
    kind: PushKind,
    *,
    error: str = "",
    bureau_id: int | None = None,
    status_code: int = 200,
) -> Response:
    bureaus = [b for b in service.list_bureaus(session, user) if b.active]
    return render(
        request,
        "import_form.html",
        user,
        kind=KINDS[kind],
        bureaus=bureaus,
        selected=bureau_id,
        # One per form shown: submitting the same form twice with the same file replays instead of writing again.
        nonce=secrets.token_urlsafe(16),
        error=error,
        status_code=status_code,
        may_manage=user.role in (StaffRole.district_admin, StaffRole.city_admin),
    )


@router.get("/imports/{kind}")
def import_form(
    request: Request,
    user: Importer,
    session: SessionDep,
    kind: PushKind,
    bureau: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    return _import_form(request, user, session, kind, bureau_id=bureau)


@router.post("/imports/{kind}", dependencies=[Depends(check_csrf)])
def import_upload(
    request: Request,
    user: Importer,
    session: WriteSessionDep,
    kind: PushKind,
    bureau_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    file: Annotated[UploadFile, File()],
    nonce: Annotated[str, Form(pattern=r"^[A-Za-z0-9_-]{16,64}$")],
    atomic: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    data = file.file.read(MAX_XLSX_BYTES + 1)
    idempotency_key = f"console-{nonce}-{hashlib.sha256(data).hexdigest()[:16]}"
    try:
        answer = import_workbook(
            session,
            user,
            bureau_id,
            kind,
            data,
            idempotency_key=idempotency_key,
            atomic=atomic == "on",
            ip=client_ip(request),
        )
    except (NotFound, Forbidden):
        raise  # another city's bureau: the error page, nothing learned
    except AppError as exc:
        # The file itself is unusable (not xlsx, wrong header, empty, too big): say so on the form.
        session.rollback()
        return _import_form(
            request, user, session, kind, error=exc.message, bureau_id=bureau_id, status_code=exc.status_code
        )
    session.commit()
    bureau = service.get_bureau(session, user, bureau_id)
    return render(
        request,
        "import_report.html",
        user,
        title=f"导入结果：{KINDS[kind].label}",
        bureau=bureau,
        batch=None,
        kind_label=KINDS[kind].label,
        kind=kind.value,
        origin=ORIGINS["staff_import"],
        report=report_view(kind.value, answer.status_code, answer.body),
        replayed=answer.replayed,
        status_code=200 if answer.status_code == 200 else 422,
    )
