from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.audit.models import AuditLog


def record(
    session: Session,
    *,
    actor_type: str,
    action: str,
    actor_id: str | int | None = None,
    city_code: str | None = None,
    object_type: str = "",
    object_id: str | int | None = None,
    outcome: str = "ok",
    ip: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Adds one audit row to the caller's transaction. Never put secrets, tokens or full phone numbers in `detail`."""
    session.add(
        AuditLog(
            actor_type=actor_type,
            actor_id="" if actor_id is None else str(actor_id),
            city_code=city_code,
            action=action,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            outcome=outcome,
            ip=ip,
            detail=detail or {},
        )
    )
