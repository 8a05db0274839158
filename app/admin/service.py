"""What the console does to board records: scoped lists and reads, edits, publication and 数据核验.

Every query carries the staff user's city condition (`scope_conds`) in its WHERE clause, reads and writes alike:
a city's staff can neither list, read, export nor change another city's rows, even with a forged id.
Services never commit; the console's handlers do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, func, select

from app.admin.deps import allowed_city, scope_conds
from app.admin.registry import Editable
from app.audit.service import record
from app.bureaus import service as bureaus
from app.contrib import review as contrib_review
from app.core.errors import Conflict, Invalid, NotFound
from app.core.listing import text_contains
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.core.schemas import CityCode
from app.staff.models import StaffUser
from app.taxonomy.models import Chain, Industry

PAGE_SIZE = 30


@dataclass
class RecordFilter:
    status: str = ""  # pending / verified / rejected / published / unpublished / draft
    q: str = ""
    city: str = ""
    page: int = 1


def _status_conds(model: Any, status: str) -> list[Any]:
    if status in (v.value for v in Verification):
        return [model.verification == status]
    if status in (p.value for p in Publication):
        return [model.publication == status]
    return []


def list_records(session: Session, user: StaffUser, entry: Editable, f: RecordFilter) -> tuple[list[Any], int]:
    model = entry.model
    conds = scope_conds(user, model) + _status_conds(model, f.status)
    if (city := allowed_city(user, f.city)) is not None:
        conds.append(model.city_code == city)
    if f.q:
        conds.append(text_contains(getattr(model, entry.title), f.q[:50]))
    total = int(session.exec(select(func.count()).select_from(model).where(*conds)).one())
    rows = session.exec(
        select(model)
        .where(*conds)
        .order_by(model.updated_at.desc(), model.id.desc())
        .offset((max(f.page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(rows), total


def get_record(session: Session, user: StaffUser, entry: Editable, record_id: int) -> Any:
    model = entry.model
    row = session.exec(select(model).where(model.id == record_id, *scope_conds(user, model))).first()
    if row is None:
        raise NotFound()
    return row


def _check_refs(session: Session, data: dict[str, Any]) -> None:
    errors = []
    if data.get("industry_code") and session.get(Industry, data["industry_code"]) is None:
        errors.append({"field": "industry_code", "label": "行业", "message": "没有这个行业代码", "type": "value_error"})
    if data.get("chain_code") and session.get(Chain, data["chain_code"]) is None:
        errors.append(
            {"field": "chain_code", "label": "产业链", "message": "没有这个产业链代码", "type": "value_error"}
        )
    if errors:
        raise Invalid(detail=errors)


def _city_for_new(user: StaffUser, wanted: str | None) -> str:
    city = allowed_city(user, wanted)
    if city not in {c.value for c in CityCode}:
        raise Invalid(detail=[{"field": "city_code", "label": "城市", "message": "请选择城市", "type": "missing"}])
    return str(city)


def create_record(
    session: Session, user: StaffUser, entry: Editable, data: dict[str, Any], city: str | None, *, ip: str = ""
) -> Any:
    """A record written by staff: verified at once (staff text needs no second review), saved as a draft."""
    _check_refs(session, data)
    row = entry.model(
        **data,
        city_code=_city_for_new(user, city),
        source=RecordSource.staff,
        publication=Publication.draft,
        verification=Verification.verified,
    )
    session.add(row)
    session.flush()
    _audit(session, user, f"{entry.key}.create", entry, row.id, row.city_code, ip)
    return row


def update_record(
    session: Session, user: StaffUser, entry: Editable, record_id: int, data: dict[str, Any], *, ip: str = ""
) -> Any:
    _check_refs(session, data)
    model = entry.model
    result = session.exec(
        sa.update(model).where(model.id == record_id, *scope_conds(user, model)).values(**data, updated_at=utcnow())
    )
    if result.rowcount == 0:
        raise NotFound()
    row = get_record(session, user, entry, record_id)
    session.refresh(row)
    _audit(session, user, f"{entry.key}.update", entry, record_id, row.city_code, ip, fields=sorted(data))
    return row


def set_publication(
    session: Session, user: StaffUser, entry: Editable, ids: list[int], publish: bool, *, ip: str = ""
) -> int:
    """Publish or unpublish several records at once; only rows of the user's city and in the other state change."""
    model = entry.model
    now = utcnow()
    target = Publication.published if publish else Publication.unpublished
    values: dict[str, Any] = {"publication": target, "updated_at": now}
    if publish:
        values["published_at"] = sa.func.coalesce(model.published_at, now)
    changed = _update_each(session, model, ids, [*scope_conds(user, model), model.publication != target], values)
    for row_id, city in changed:
        _audit(session, user, f"{entry.key}.{'publish' if publish else 'unpublish'}", entry, row_id, city, ip)
    return len(changed)


def review_conds(user: StaffUser, entry: Editable) -> list[Any]:
    """The rows of a board table that wait for staff, in the user's city: records pushed by a bureau that await
    数据核验 (the bureaus' rule) and members' records the content check held (the contributions' rule).

    Nothing else is listed: a row no rule can decide (a pushed record its bureau has since withdrawn) is not a task.
    """
    either = []
    if (kind := bureaus.kind_of(entry.model)) is not None:
        either.append(sa.and_(*bureaus.pending_conds(user, kind)))
    if (member_kind := contrib_review.kind_of(entry.model)) is not None:
        either.append(sa.and_(*contrib_review.pending_conds(user, member_kind)))
    return [sa.or_(*either)] if either else [sa.false()]


def review_queue(session: Session, user: StaffUser, entry: Editable, city: str, page: int) -> tuple[list[Any], int]:
    """One page of a table's 核验 queue, oldest first."""
    model = entry.model
    conds = review_conds(user, entry)
    if (wanted := allowed_city(user, city)) is not None:
        conds.append(model.city_code == wanted)
    total = int(session.exec(select(func.count()).select_from(model).where(*conds)).one())
    rows = session.exec(
        select(model)
        .where(*conds)
        .order_by(model.updated_at, model.id)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(rows), total


def review_count(session: Session, user: StaffUser, entry: Editable) -> int:
    model = entry.model
    return int(session.exec(select(func.count()).select_from(model).where(*review_conds(user, entry))).one())


def review_record(
    session: Session, user: StaffUser, entry: Editable, record_id: int, approve: bool, reason: str = "", *, ip: str = ""
) -> None:
    """数据核验 of one record through the rule of where it came from: a bureau's push goes through
    `app.bureaus.service.verify_record` (as the staff API does), a member's record through
    `app.contrib.review` (as the staff review API does). Both change it with one conditional UPDATE within the
    user's city, write the audit log and tell whoever must know."""
    model = entry.model
    source = session.exec(select(model.source).where(model.id == record_id, *scope_conds(user, model))).first()
    if source is None:
        raise NotFound()
    kind = bureaus.kind_of(model)
    member_kind = contrib_review.kind_of(model)
    if source == RecordSource.bureau and kind is not None:
        decision = bureaus.VerifyDecision.verified if approve else bureaus.VerifyDecision.rejected
        bureaus.verify_record(session, user, kind, record_id, decision, None if approve else reason, ip=ip)
    elif source == RecordSource.member and member_kind is not None:
        if approve:
            contrib_review.approve(session, user, member_kind, record_id)
        else:
            contrib_review.reject(session, user, member_kind, record_id, reason)
    else:
        raise Conflict("该记录不在待核验状态", code="not_pending")


def _update_each(
    session: Session, model: Any, ids: list[int], conds: list[Any], values: dict[str, Any]
) -> list[tuple[int, str]]:
    """One conditional UPDATE per id (never read-then-write); returns the (id, city) of rows that changed."""
    changed = []
    for row_id in dict.fromkeys(ids):
        result = session.exec(sa.update(model).where(model.id == row_id, *conds).values(**values))
        if result.rowcount:
            city = session.exec(select(model.city_code).where(model.id == row_id)).one()
            changed.append((row_id, city))
    return changed


def _audit(
    session: Session,
    user: StaffUser,
    action: str,
    entry: Editable,
    object_id: Any,
    city: str | None,
    ip: str,
    **detail: Any,
) -> None:
    record(
        session,
        actor_type="staff",
        actor_id=user.id,
        city_code=city,
        action=action,
        object_type=entry.key,
        object_id=object_id,
        ip=ip,
        detail=detail or None,
    )
