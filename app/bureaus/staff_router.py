"""Staff API for pushed data: the verification queue (数据核验), cross-city duplicates, batches, templates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from app.bureaus import reports, service
from app.bureaus.kinds import KINDS, PushKind
from app.bureaus.push_router import IdempotencyKey, idempotency_key_value, respond
from app.bureaus.reports import BatchPage, BatchSummary
from app.bureaus.service import VerifyDecision
from app.bureaus.xlsx import MAX_XLSX_BYTES, XLSX, import_workbook, template_bytes
from app.core.db import SessionDep, WriteSessionDep
from app.core.schemas import ItemId, PublicModel, RequestModel
from app.core.security import client_ip
from app.staff.dependencies import StaffAdmin, StaffReviewer
from app.staff.service import city_scope

router = APIRouter(prefix="/staff/push", tags=["bureaus"])


class PendingRecord(BaseModel):
    kind: str
    id: int
    city_code: str
    source_id: str | None
    title: str
    updated_at: datetime
    values: dict[str, Any] = Field(description="推送的字段（原样，电话未脱敏，供核验）")


class PendingPage(BaseModel):
    items: list[PendingRecord]
    total: int
    page: int
    page_size: int
    has_more: bool


class VerifyBody(RequestModel):
    decision: VerifyDecision = Field(description="verified 核验通过（公开）/ rejected 驳回")
    reason: str | None = Field(default=None, max_length=500, description="驳回原因（驳回时必填）")


class DuplicatePublic(PublicModel):
    id: int
    kind: str
    reason: str
    match_value: str
    record_id: int
    city_code: str
    other_record_id: int
    other_city_code: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


class ResolveBody(RequestModel):
    resolution: str = Field(min_length=1, max_length=200, description="处理结论，如“不同校区，非重复”")


@router.get("/pending/{kind}", operation_id="push_pending_list", summary="待核验的推送数据")
def list_pending(
    kind: PushKind,
    actor: StaffReviewer,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PendingPage:
    """某类推送记录中等待核验的（最早的在前）；市级工作人员只看到本市的。"""
    items, total = service.list_pending(session, actor, kind.value, page, page_size)
    return PendingPage(
        items=[PendingRecord.model_validate(i) for i in items],
        total=total,
        page=page,
        page_size=page_size,
        has_more=page * page_size < total,
    )


@router.post("/{kind}/{record_id}/verify", operation_id="push_verify", summary="核验推送数据", status_code=204)
def verify(
    kind: PushKind,
    record_id: ItemId,
    body: VerifyBody,
    actor: StaffReviewer,
    request: Request,
    session: WriteSessionDep,
) -> None:
    """核验通过后记录公开；驳回须填写原因。只能处理本市、处于待核验状态的推送记录（其他城市的为 404）。"""
    service.verify_record(session, actor, kind.value, record_id, body.decision, body.reason, ip=client_ip(request))
    session.commit()


@router.get("/duplicates", operation_id="push_duplicate_list", summary="跨城市疑似重复")
def list_duplicates(
    actor: StaffReviewer, session: SessionDep, include_resolved: Annotated[bool, Query()] = False
) -> list[DuplicatePublic]:
    """两个城市推送的同一单位（统一社会信用代码相同）或同一资源（名称与地址相同）：只提示，不合并。"""
    rows = service.list_duplicates(session, actor, open_only=not include_resolved)
    return [DuplicatePublic.model_validate(r) for r in rows]


@router.post("/duplicates/{dup_id}/resolve", operation_id="push_duplicate_resolve", summary="处理疑似重复")
def resolve_duplicate(
    dup_id: ItemId, body: ResolveBody, actor: StaffReviewer, request: Request, session: WriteSessionDep
) -> DuplicatePublic:
    """记录处理结论（如“不同校区，非重复”，或已联系某市下线）；涉及的两市工作人员均可处理。"""
    dup = service.resolve_duplicate(session, actor, dup_id, body.resolution, ip=client_ip(request))
    session.commit()
    return DuplicatePublic.model_validate(dup)


@router.get("/batches", operation_id="push_staff_batch_list", summary="推送批次（后台）")
def list_batches(
    actor: StaffReviewer,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> BatchPage:
    """全部（区级）或本市（市级）的推送批次及计数。"""
    return reports.list_batches(session, None, page, page_size, city_code=city_scope(actor))


@router.get("/batches/{batch_id}", operation_id="push_staff_batch_get", summary="推送报告（后台）")
def get_batch(batch_id: ItemId, actor: StaffReviewer, session: SessionDep) -> dict[str, Any]:
    """一个批次的完整报告；其他城市的批次对市级工作人员不存在（404）。"""
    batch = reports.get_batch(session, None, batch_id, city_code=city_scope(actor))
    return {"batch": BatchSummary.model_validate(batch).model_dump(mode="json"), "response": batch.response}


@router.post(
    "/bureaus/{bureau_id}/import/{kind}",
    operation_id="push_staff_import_xlsx",
    summary="代推送单位导入 Excel（后台）",
    responses={422: {"description": "整批有误未写入（detail 为逐条报告）"}},
)
def staff_import(
    bureau_id: ItemId,
    kind: PushKind,
    actor: StaffAdmin,
    request: Request,
    session: WriteSessionDep,
    file: Annotated[UploadFile, File(description="按模板填写的 .xlsx 文件，最多 1000 行")],
    atomic: Annotated[bool, Query(description="整批成败")] = True,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """工作人员代本市推送单位上传 Excel：与接口推送完全相同的校验、核验规则与逐条报告，批次记在该单位名下。"""
    answer = import_workbook(
        session,
        actor,
        bureau_id,
        kind,
        file.file.read(MAX_XLSX_BYTES + 1),
        idempotency_key=idempotency_key_value(idempotency_key),
        atomic=atomic,
        ip=client_ip(request),
    )
    session.commit()
    return respond(answer)


@router.get(
    "/templates/{kind}",
    operation_id="push_staff_template",
    responses={200: {"content": {XLSX: {}}, "description": "Excel 模板"}},
    summary="Excel 模板下载（后台）",
)
def template(kind: PushKind, actor: StaffReviewer) -> Response:
    """与推送单位相同的 Excel 模板。"""
    return Response(
        template_bytes(KINDS[kind]),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="push-{kind.value}.xlsx"'},
    )
