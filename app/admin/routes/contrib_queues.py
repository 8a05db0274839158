"""Queues of what members wrote that belongs to no board table: 留言 (我感兴趣, 投资意向) and 技术经理人跟进记录
the content check held. Decided through `app.contrib.review`, the functions of the staff review API (the members'
achievements, financing needs, jobs and manager profiles wait in the 核验 queues of their board tables)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.admin.deps import Perm, require
from app.admin.queues import decide_many
from app.admin.render import CITY_LABELS, redirect, render
from app.admin.security import check_csrf
from app.contrib import review
from app.contrib.schemas import ReviewKind
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import NotFound
from app.staff.models import StaffUser

# Included by the /review router (app.admin.routes.review): /admin/review/contrib/{kind}.
router = APIRouter(prefix="/contrib")
Reviewer = Annotated[StaffUser, Depends(require(Perm.review))]

QUEUES: dict[ReviewKind, str] = {
    ReviewKind.interest: "会员留言（感兴趣/投资意向）",
    ReviewKind.follow_up: "技术经理人跟进记录",
}
TEXT_LABELS = {"message": "留言", "contact_made": "联系与进展", "next_step": "下一步"}


def _kind(kind: str) -> ReviewKind:
    if kind not in {k.value for k in QUEUES}:
        raise NotFound()
    return ReviewKind(kind)


def counts(session: Session, user: StaffUser) -> list[tuple[str, str, int]]:
    """(link, name, waiting) of these queues, within the user's city."""
    return [
        (f"/admin/review/contrib/{k.value}", name, review.pending_count(session, user, k)) for k, name in QUEUES.items()
    ]


@router.get("/{kind}")
def queue(request: Request, user: Reviewer, session: SessionDep, kind: str) -> Response:
    k = _kind(kind)
    items = review.review_queue(session, user, k)
    rows = [
        {
            "id": i.id,
            "pending": True,
            "cells": [i.id, i.title, i.org_name, CITY_LABELS.get(i.city_code, i.city_code), i.submitted_at],
            "detail": "\n".join(f"{TEXT_LABELS.get(f, f)}：{t}" for f, t in i.texts.items() if t),
        }
        for i in items
    ]
    return render(
        request,
        "queue.html",
        user,
        title=QUEUES[k],
        action=f"/admin/review/contrib/{k.value}",
        rows=rows,
        decidable=True,
        columns=["ID", "标题", "提交方", "城市", "提交时间"],
        filters=[],
    )


@router.post("/{kind}", dependencies=[Depends(check_csrf)])
def decide(
    request: Request,
    user: Reviewer,
    session: WriteSessionDep,
    kind: str,
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
    ids: Annotated[list[int], Form(max_length=500)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    k = _kind(kind)
    msg = decide_many(
        session,
        ids,
        action,
        reason,
        approve=lambda i: review.approve(session, user, k, i),
        reject=lambda i, why: review.reject(session, user, k, i, why),
    )
    return redirect(f"/admin/review/contrib/{k.value}", msg)
