"""Deciding many queue items at once with a service's one-item function: each in its own savepoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from app.core.errors import AppError, Invalid


def each(session: Session, ids: list[int], act: Callable[[int], Any]) -> tuple[int, list[str]]:
    """Runs `act` on every id in its own savepoint and commits what succeeded; one that fails (another city's,
    no longer pending) is skipped. Returns how many succeeded and the services' messages of the failures."""
    done, failures = 0, []
    for item_id in dict.fromkeys(ids):
        try:
            with session.begin_nested():
                act(item_id)
            done += 1
        except AppError as exc:
            failures.append(exc.message)
    session.commit()
    return done, failures


def summary(verb: str, done: int, failures: list[str]) -> str:
    """The page's message: how many were done, how many not, and why (the services' own words, at most three)."""
    msg = f"已{verb} {done} 条"
    if failures:
        why = "；".join(list(dict.fromkeys(failures))[:3])
        msg += f"，{len(failures)} 条未处理（已被处理或无权处理）：{why}"
    return msg


def decide_many(
    session: Session,
    ids: list[int],
    action: str,
    reason: str,
    *,
    approve: Callable[[int], Any],
    reject: Callable[[int, str], Any],
) -> str:
    """Approves or rejects every id through the service's one-item functions; returns the message for the page."""
    why = reason.strip()
    if action == "reject" and len(why) < 2:
        raise Invalid("请填写驳回理由", code="reason_required")
    done, failures = each(session, ids, (lambda i: approve(i)) if action == "approve" else (lambda i: reject(i, why)))
    return summary("通过" if action == "approve" else "驳回", done, failures)
