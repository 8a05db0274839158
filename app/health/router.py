from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.errors import Unavailable
from app.core.redis import redis_reachable

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="health_alive", summary="存活检查")
def alive() -> dict[str, str]:
    """进程存活即返回 ok，不访问数据库。"""
    return {"status": "ok"}


@router.get("/readyz", operation_id="health_ready", summary="就绪检查")
def ready(session: SessionDep, settings: SettingsDep) -> dict[str, str]:
    """数据库与（已配置时）Redis 均可达时返回 ok。"""
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception as exc:
        raise Unavailable("数据库不可用", code="database_unavailable") from exc
    if not redis_reachable(settings):
        raise Unavailable("Redis 不可用", code="redis_unavailable")
    return {"status": "ok"}
