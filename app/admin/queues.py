"""Deciding many queue items at once with a service's one-item function: each in its own savepoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from app.core.errors import AppError, Invalid


def decide_many(
    session: Session,
    ids: list[int],
    action: str,
    reason: str,
    *,
    approve: Callable[[int], Any],
    reject: Callable[[int, str], Any],
) -> str:
    """Runs the service function on every id; one that fails (another city, no longer pending) is skipped and
    counted, the others are committed. Returns the message for the page."""
    why = reason.strip()
    if action == "reject" and len(why) < 2:
        raise Invalid("请填写驳回理由", code="reason_required")
    done, skipped = 0, 0
    for item_id in dict.fromkeys(ids):
        try:
            with session.begin_nested():
                approve(item_id) if action == "approve" else reject(item_id, why)
            done += 1
        except AppError:
            skipped += 1
    session.commit()
    verb = "通过" if action == "approve" else "驳回"
    return f"已{verb} {done} 条" + (f"，{skipped} 条未处理（已被处理或无权处理）" if skipped else "")
