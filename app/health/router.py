from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from app.core.db import SessionDep
from app.core.errors import Unavailable

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health_alive", summary="存活检查")
def alive() -> dict[str, str]:
    """进程存活即返回 ok，不访问数据库。"""
    return {"status": "ok"}


@router.get("/readyz", operation_id="health_ready", summary="就绪检查")
def ready(session: SessionDep) -> dict[str, str]:
    """数据库可达时返回 ok。"""
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception as exc:
        raise Unavailable("数据库不可用", code="database_unavailable") from exc
    return {"status": "ok"}
