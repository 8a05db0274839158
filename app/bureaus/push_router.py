"""The bureaus' own API: push batches, read their reports, download the Excel templates, import a sheet."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Header, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from app.bureaus import reports
from app.bureaus.dependencies import BureauKey
from app.bureaus.kinds import KINDS, PushKind
from app.bureaus.push import IDEMPOTENCY_KEY_PATTERN, PushAnswer, PushRequest, run_push
from app.bureaus.reports import BatchPage, BatchSummary
from app.bureaus.xlsx import MAX_XLSX_BYTES, XLSX, read_workbook, template_bytes
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import AppError
from app.core.redis import RedisRequired
from app.core.schemas import ItemId

router = APIRouter(prefix="/push", tags=["push"])


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description=(
            "必填。每批一个（如 UUID）；重试时使用相同的值，服务器返回第一次的结果而不会重复写入；保留至少 24 小时"
        ),
    ),
]


def idempotency_key_value(value: str | None) -> str:
    import re

    if not value:
        raise AppError("缺少 Idempotency-Key 请求头", code="idempotency_key_required", status_code=400)
    if not re.match(IDEMPOTENCY_KEY_PATTERN, value):
        raise AppError(
            "Idempotency-Key 须为 8 至 128 个可见 ASCII 字符", code="idempotency_key_invalid", status_code=400
        )
    return value


def respond(answer: PushAnswer) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true" if answer.replayed else "false"}
    if answer.batch_id is not None:
        headers["X-Push-Batch"] = str(answer.batch_id)
    return JSONResponse(answer.body, status_code=answer.status_code, headers=headers)


PUSH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "逐条结果：created / updated / unchanged / stale / error；整批写入或部分写入"},
    400: {"description": "缺少或错误的 Idempotency-Key"},
    401: {"description": "API 密钥缺失、格式错误、无效、已吊销或已过期"},
    403: {"description": "密钥无权推送该类数据"},
    409: {"description": "相同 Idempotency-Key 的推送仍在处理中"},
    422: {"description": "整批有误未写入（detail 为逐条报告），或 Idempotency-Key 已用于不同内容"},
}


@router.post(
    "/{kind}", operation_id="push_batch", summary="批量推送", responses=PUSH_RESPONSES, dependencies=[RedisRequired]
)
def push(
    kind: PushKind,
    body: PushRequest,
    principal: BureauKey,
    session: WriteSessionDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """推送一批（最多 1000 条、5 MiB）同一类记录。以（密钥所属城市，source_id）识别记录：新的创建、已有的更新、
    内容相同的不动；source_updated_at 早于库中记录的为 stale，不覆盖。默认整批成败（atomic），任一条有误则
    整批不写入并返回 422，detail 中逐条列出错误（中文说明与字段路径）；atomic=false 时写入无误的记录。
    remove 中列出的 source_id 下线。坐标可为 WGS-84、GCJ-02 或 BD-09，统一存为 GCJ-02；不在本市范围内的坐标
    给出提示。非免核验单位推送的记录须经工作人员核验后公开。"""
    key = idempotency_key_value(idempotency_key)
    answer = run_push(session, principal, kind, key, body)
    session.commit()
    return respond(answer)


@router.post(
    "/{kind}/import",
    operation_id="push_import_xlsx",
    summary="Excel 导入",
    responses=PUSH_RESPONSES,
    dependencies=[RedisRequired],
)
def import_xlsx(
    kind: PushKind,
    principal: BureauKey,
    session: WriteSessionDep,
    file: Annotated[UploadFile, File(description="按模板填写的 .xlsx 文件，最多 1000 行")],
    atomic: Annotated[bool, Query(description="整批成败")] = True,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """上传按模板填写的 Excel 表格，与接口推送走完全相同的校验与逐条报告（行号 = index + 表头行数 + 1）。"""
    key = idempotency_key_value(idempotency_key)
    data = file.file.read(MAX_XLSX_BYTES + 1)
    body, digest = read_workbook(KINDS[kind], data, atomic=atomic)
    answer = run_push(session, principal, kind, key, body, origin="xlsx", digest=digest)
    session.commit()
    return respond(answer)


@router.get(
    "/templates/{kind}",
    operation_id="push_template",
    responses={200: {"content": {XLSX: {}}, "description": "Excel 模板"}},
    summary="Excel 模板下载",
)
def template(kind: PushKind, principal: BureauKey) -> Response:
    """下载某类记录的 Excel 模板：第一行为中文列名与字段名，第二行为说明，第三行起填写数据。"""
    return Response(
        template_bytes(KINDS[kind]),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="push-{kind.value}.xlsx"'},
    )


@router.get("/batches", operation_id="push_batch_list", summary="推送记录列表")
def list_batches(
    principal: BureauKey,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> BatchPage:
    """本单位的推送批次（最新在前）及各自的计数。"""
    return reports.list_batches(session, principal.bureau_id, page, page_size)


@router.get("/batches/{batch_id}", operation_id="push_batch_get", summary="推送报告")
def get_batch(batch_id: ItemId, principal: BureauKey, session: SessionDep) -> dict[str, Any]:
    """一个批次的完整报告：与推送时的应答相同，逐条列出结果、错误与提示。其他单位的批次不存在（404）。"""
    batch = reports.get_batch(session, principal.bureau_id, batch_id)
    return {"batch": BatchSummary.model_validate(batch).model_dump(mode="json"), "response": batch.response}
