"""Push reports: every batch is kept with its counts and its full answer; a bureau reads only its own."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from app.bureaus.models import PushBatch
from app.core.errors import NotFound
from app.core.schemas import PublicModel


class BatchSummary(PublicModel):
    id: int
    kind: str
    city_code: str
    origin: str
    atomic: bool
    status: str
    http_status: int
    record_count: int
    counts: dict[str, int]
    idempotency_key: str
    created_at: datetime


class BatchPage(BaseModel):
    items: list[BatchSummary]
    total: int
    page: int
    page_size: int
    has_more: bool


def list_batches(
    session: Session, bureau_id: int | None, page: int, page_size: int, city_code: str | None = None
) -> BatchPage:
    conds = []
    if bureau_id is not None:
        conds.append(col(PushBatch.bureau_id) == bureau_id)
    if city_code is not None:
        conds.append(col(PushBatch.city_code) == city_code)
    total = session.exec(select(func.count()).select_from(PushBatch).where(*conds)).one()
    rows = session.exec(
        select(PushBatch)
        .where(*conds)
        .order_by(col(PushBatch.created_at).desc(), col(PushBatch.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return BatchPage(
        items=[BatchSummary.model_validate(r) for r in rows],
        total=total,
        page=page,
        page_size=page_size,
        has_more=page * page_size < total,
    )


def get_batch(session: Session, bureau_id: int | None, batch_id: int, city_code: str | None = None) -> PushBatch:
    batch = session.get(PushBatch, batch_id)
    if (
        batch is None
        or (bureau_id is not None and batch.bureau_id != bureau_id)
        or (city_code is not None and batch.city_code != city_code)
    ):
        raise NotFound("推送批次不存在", code="batch_not_found")
    return batch


def purge_before(session: Session, before: datetime) -> int:
    """Drops batches older than `before` (keep at least 24 hours: they are the idempotency record)."""
    result = session.exec(sa.delete(PushBatch).where(col(PushBatch.created_at) < before))
    return int(result.rowcount)
