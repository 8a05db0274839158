"""Excel templates per record type, and reading a filled sheet into the same push request as the JSON API."""

from __future__ import annotations

import hashlib
import io
import re
import typing
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from app.audit.service import record
from app.bureaus.kinds import KINDS, Kind, PushKind
from app.bureaus.push import MAX_RECORDS, PushAnswer, PushRequest, run_push
from app.bureaus.service import staff_principal
from app.core.errors import AppError
from app.core.labels import LABELS
from app.staff.models import StaffUser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_XLSX_BYTES = 5 * 1024 * 1024
HEADER_ROWS = 2  # row 1: "中文名 (field)", row 2: a hint; data from row 3

LABELS_ZH: dict[str, str] = {
    "source_id": "记录编号",
    "source_updated_at": "更新时间",
    "city_code": "城市",
    "coord_system": "坐标系",
    "lat": "纬度",
    "lng": "经度",
    "industry_code": "行业代码",
    "industries": "行业",
    "title": "标题",
    "name": "名称",
    "description": "简介",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "address": "地址",
    "district": "区县",
    "kind": "类型",
    "org_name": "单位名称",
    "org_credit_code": "统一社会信用代码",
}

_LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")


def _inner(annotation: Any) -> Any:
    """The bare type of a field annotation (Annotated and Optional taken off)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and len(args) == 1:
            annotation = args[0]
            continue
        return annotation


def _hint(annotation: Any) -> str:
    t = _inner(annotation)
    origin = typing.get_origin(t)
    if origin is list:
        (item,) = typing.get_args(t) or (str,)
        item = _inner(item)
        if isinstance(item, type) and issubclass(item, StrEnum):
            return "多个值用、分隔：" + "、".join(m.value for m in item)
        if item is not str:
            return "JSON 列表"
        return "多个值用、分隔"
    if isinstance(t, type) and issubclass(t, StrEnum):
        labels = LABELS.get(t, {})
        return "取值：" + "、".join(f"{m.value}（{labels[m.value]}）" if m.value in labels else m.value for m in t)
    if t is date:
        return "日期，如 2026-01-31"
    if t is datetime:
        return "时间（北京时间），如 2026-01-31 09:00"
    if t in (int, float):
        return "数字"
    if t is bool:
        return "是/否"
    return ""


def template_bytes(kind: Kind) -> bytes:
    # openpyxl is imported where a workbook is made: it would add a noticeable share to every worker's start-up.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = kind.name.value
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for col, (name, info) in enumerate(kind.record.model_fields.items(), start=1):
        required = info.is_required()
        label = LABELS_ZH.get(name, name)
        head = ws.cell(row=1, column=col, value=f"{'*' if required else ''}{label} ({name})")
        head.font = bold
        if required:
            head.fill = fill
        ws.cell(row=2, column=col, value=_hint(info.annotation) or (info.description or ""))
        ws.column_dimensions[head.column_letter].width = max(14, len(str(head.value)) * 2)
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_HEAD = re.compile(r"\(([a-z_0-9]+)\)\s*$")


def _cell(value: Any, annotation: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    t = _inner(annotation)
    origin = typing.get_origin(t)
    if origin is list:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                try:
                    return json.loads(text)
                except ValueError:
                    return text
            return [v.strip() for v in _LIST_SEPARATORS.split(text) if v.strip()]
        return value
    if t is date and isinstance(value, datetime):
        return value.date()
    if t is bool and isinstance(value, str):
        return {"是": True, "否": False, "true": True, "false": False}.get(value.strip().lower(), value)
    if t is str and not isinstance(value, str):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    return value


def workbook_records(kind: Kind, data: bytes, *, limit: int | None = MAX_RECORDS) -> list[dict[str, Any]]:
    """The records of a filled template, as dicts for the push request (no validation here)."""
    if limit is not None and len(data) > MAX_XLSX_BYTES:
        raise AppError("文件过大（上限 5 MB）", code="payload_too_large", status_code=413)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise AppError("无法读取该文件，请上传 .xlsx 格式的模板", code="xlsx_invalid", status_code=422) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    fields = kind.record.model_fields
    columns: list[str | None] = []
    for value in header:
        m = _HEAD.search(str(value or ""))
        columns.append(m.group(1) if m and m.group(1) in fields else None)
    if "source_id" not in columns:
        wb.close()
        raise AppError("表头不符合模板：缺少“记录编号 (source_id)”列", code="xlsx_header_invalid", status_code=422)
    next(rows, None)  # the hint row
    records: list[dict[str, Any]] = []
    for row in rows:
        if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        record: dict[str, Any] = {}
        for name, value in zip(columns, row, strict=False):
            if name is None:
                continue
            converted = _cell(value, fields[name].annotation)
            if converted is not None:
                record[name] = converted
        records.append(record)
        if limit is not None and len(records) > limit:
            wb.close()
            raise AppError(f"每次最多导入 {limit} 行", code="too_many_records", status_code=422)
    wb.close()
    if not records:
        raise AppError("表格中没有数据行", code="xlsx_empty", status_code=422)
    return records


def read_workbook(kind: Kind, data: bytes, *, atomic: bool = True) -> tuple[PushRequest, str]:
    """The push request of a filled template, and a digest of the file (for Idempotency-Key reuse checks)."""
    records = workbook_records(kind, data)
    digest = hashlib.sha256(b"xlsx:" + kind.name.value.encode() + (b":1:" if atomic else b":0:") + data).hexdigest()
    return PushRequest(atomic=atomic, records=records), digest


def import_workbook(
    session: Session,
    actor: StaffUser,
    bureau_id: int,
    kind_name: PushKind,
    data: bytes,
    *,
    idempotency_key: str,
    atomic: bool = True,
    ip: str = "",
) -> PushAnswer:
    """Staff import a filled template for a bureau of their city scope: the push path, audited (caller commits).

    Shared by the staff API and the back-office console's import page.
    """
    principal = staff_principal(session, actor, bureau_id)
    body, digest = read_workbook(KINDS[kind_name], data, atomic=atomic)
    answer = run_push(session, principal, kind_name, idempotency_key, body, origin="staff_import", digest=digest)
    record(
        session,
        actor_type="staff",
        actor_id=actor.id,
        city_code=principal.city_code,
        action="push.staff_import",
        object_type="push_batch",
        object_id=answer.batch_id,
        ip=ip,
        detail={"kind": kind_name.value, "status": answer.status_code, "replayed": answer.replayed},
    )
    return answer
