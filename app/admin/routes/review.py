"""审核队列: records waiting for staff, approved or rejected one or many at a time, owners told in their inbox."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlmodel import Session, col, func, select

import app.admin.routes.contrib_queues as contrib_queues
from app.admin import service
from app.admin.deps import Perm, allowed_city, require, scope_conds
from app.admin.queues import decide_many
from app.admin.registry import EDITABLES, editable
from app.admin.render import redirect, render
from app.admin.routes import demand_queues, duplicates
from app.admin.security import check_csrf
from app.bureaus import service as bureaus
from app.core.db import SessionDep, WriteSessionDep
from app.core.models import Verification
from app.core.security import client_ip
from app.orgs.models import ClaimStatus, Organization, OrgClaim
from app.staff.models import StaffUser

router = APIRouter(prefix="/review")
Reviewer = Annotated[StaffUser, Depends(require(Perm.review))]
router.include_router(contrib_queues.router)


def all_queue_counts(session: Session, user: StaffUser) -> list[tuple[str, str, int]]:
    """Every queue of the console: those below (`queue_counts`) and the members' contributions that belong to no
    board table (`contrib_queues`)."""
    return queue_counts(session, user) + contrib_queues.counts(session, user)


def _count(session: Session, model: Any, user: StaffUser, *conds: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*conds, *scope_conds(user, model))).one())


def _claim_count(session: Session, user: StaffUser) -> int:
    stmt = (
        select(func.count())
        .select_from(OrgClaim)
        .join(Organization, col(Organization.id) == col(OrgClaim.org_id))
        .where(col(OrgClaim.status) == ClaimStatus.pending, *scope_conds(user, Organization))
    )
    return int(session.exec(stmt).one())


def queue_counts(session: Session, user: StaffUser) -> list[tuple[str, str, int]]:
    """(link, name, waiting) of every queue, counted within the user's city by the queue's own service."""
    out = [
        (
            "/admin/review/orgs",
            "机构认证",
            _count(session, Organization, user, Organization.verification == Verification.pending),
        ),
        ("/admin/review/claims", "加入机构申请", _claim_count(session, user)),
        *demand_queues.counts(session, user),
        ("/admin/review/duplicates", "跨城市疑似重复", bureaus.count_duplicates(session, user)),
    ]
    out += [(e.key, f"{e.name}核验", service.review_count(session, user, e)) for e in EDITABLES]
    return out


@router.get("")
def index(request: Request, user: Reviewer, session: SessionDep) -> Response:
    return render(request, "review_index.html", user, queues=all_queue_counts(session, user))


@router.get("/records/{key}")
def records(
    request: Request,
    user: Reviewer,
    session: SessionDep,
    key: str,
    city: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    entry = editable(key)
    f = service.RecordFilter(status=Verification.pending, city=city, page=page)
    rows, total = service.review_queue(session, user, entry, city, page)
    return render(
        request,
        "review_records.html",
        user,
        entry=entry,
        rows=rows,
        total=total,
        f=f,
        page_size=service.PAGE_SIZE,
        fixed_city=allowed_city(user, None),
    )


@router.post("/records/{key}", dependencies=[Depends(check_csrf)])
def decide(
    request: Request,
    user: Reviewer,
    session: WriteSessionDep,
    key: str,
    action: Annotated[str, Form(pattern="^(approve|reject)$")],
    ids: Annotated[list[int], Form(max_length=500)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    entry = editable(key)
    ip = client_ip(request)
    msg = decide_many(
        session,
        ids,
        action,
        reason,
        approve=lambda i: service.review_record(session, user, entry, i, True, ip=ip),
        reject=lambda i, why: service.review_record(session, user, entry, i, False, why, ip=ip),
    )
    return redirect(f"/admin/review/records/{key}", msg)


# The 揭榜挂帅 queues and the cross-city duplicates are pages of this same /review section.
router.include_router(demand_queues.router)
router.include_router(duplicates.router)
