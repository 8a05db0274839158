"""Bureaus and their API keys: the rules, shared by the staff API here and the back-office console.

Every function takes the acting staff user (for city scope and the audit log) and never commits.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.service import record
from app.bureaus.keys import key_hash, new_key, parse_key
from app.bureaus.models import Bureau, BureauKey, PushScope
from app.core.config import get_settings
from app.core.errors import AppError, Conflict, Forbidden, NotFound, Unauthorized
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.core.sql import one_of
from app.staff.models import StaffRole, StaffUser
from app.staff.service import city_scope

MAX_KEY_DAYS = 366
MAX_OVERLAP_HOURS = 7 * 24
LAST_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class PushPrincipal:
    """Who is pushing: an active key of an active bureau. Its city is the only city it can touch."""

    key: BureauKey | None
    bureau: Bureau
    # Set instead of `key` when staff import an Excel sheet for the bureau through the back office.
    staff_id: int | None = None

    @property
    def city_code(self) -> str:
        return self.bureau.city_code

    @property
    def key_id(self) -> int | None:
        return self.key.id if self.key is not None else None

    @property
    def bureau_id(self) -> int:
        assert self.bureau.id is not None
        return self.bureau.id

    def require_scope(self, scope: PushScope) -> None:
        if self.key is not None and scope.value not in self.key.scopes:
            raise Forbidden(f"该密钥无权推送此类数据（需要权限：{scope.value}）", code="scope_forbidden")


def staff_principal(session: Session, actor: StaffUser, bureau_id: int) -> PushPrincipal:
    """Staff importing for a bureau of their city scope: the same push path, the bureau's city, no key."""
    bureau = get_bureau(session, actor, bureau_id)
    if not bureau.active:
        raise Conflict("推送单位已停用", code="bureau_inactive")
    return PushPrincipal(key=None, bureau=bureau, staff_id=actor.id)


def _secret() -> str:
    return get_settings().secret_key.get_secret_value()


# ---------------------------------------------------------------- bureaus


def _check_city(actor: StaffUser, city_code: str) -> None:
    scope = city_scope(actor)
    if scope is not None and scope != city_code:
        raise Forbidden("只能管理本市的数据推送单位", code="city_forbidden")


def create_bureau(
    session: Session,
    actor: StaffUser,
    *,
    name: str,
    city_code: str,
    trusted: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    ip: str = "",
) -> Bureau:
    _check_city(actor, city_code)
    if trusted and actor.role != StaffRole.district_admin:
        raise Forbidden("只有区管理员可以将推送单位设为免核验", code="trust_forbidden")
    bureau = Bureau(
        name=name, city_code=city_code, trusted=trusted, contact_name=contact_name, contact_phone=contact_phone
    )
    session.add(bureau)
    session.flush()
    _audit(session, actor, "bureau.create", bureau, ip, {"name": name, "trusted": trusted})
    return bureau


def list_bureaus(session: Session, actor: StaffUser) -> list[Bureau]:
    stmt = select(Bureau).order_by(col(Bureau.city_code), col(Bureau.id))
    scope = city_scope(actor)
    if scope is not None:
        stmt = stmt.where(Bureau.city_code == scope)
    return list(session.exec(stmt).all())


def get_bureau(session: Session, actor: StaffUser, bureau_id: int) -> Bureau:
    """A bureau the actor may manage; another city's bureau is simply not found."""
    bureau = session.get(Bureau, bureau_id)
    scope = city_scope(actor)
    if bureau is None or (scope is not None and bureau.city_code != scope):
        raise NotFound("推送单位不存在", code="bureau_not_found")
    return bureau


def update_bureau(
    session: Session,
    actor: StaffUser,
    bureau: Bureau,
    *,
    changes: dict[str, object],
    ip: str = "",
) -> Bureau:
    if "trusted" in changes and changes["trusted"] != bureau.trusted and actor.role != StaffRole.district_admin:
        raise Forbidden("只有区管理员可以更改免核验设置", code="trust_forbidden")
    for name, value in changes.items():
        setattr(bureau, name, value)
    session.add(bureau)
    session.flush()
    _audit(session, actor, "bureau.update", bureau, ip, {k: v for k, v in changes.items() if k != "contact_phone"})
    return bureau


# ---------------------------------------------------------------- keys


def _validate_scopes(scopes: list[PushScope]) -> list[str]:
    if not scopes:
        raise AppError("至少选择一个推送范围", code="scopes_required", status_code=422)
    return sorted({s.value for s in scopes})


def issue_key(
    session: Session,
    actor: StaffUser,
    bureau: Bureau,
    *,
    scopes: list[PushScope],
    expires_in_days: int,
    name: str = "",
    ip: str = "",
    rotated_from_id: int | None = None,
) -> tuple[str, BureauKey]:
    """A new key; the plain key is returned here once and never stored."""
    if not 1 <= expires_in_days <= MAX_KEY_DAYS:
        raise AppError(f"有效期须在 1 至 {MAX_KEY_DAYS} 天之间", code="expiry_out_of_range", status_code=422)
    if not bureau.active:
        raise Conflict("推送单位已停用", code="bureau_inactive")
    plain, prefix = new_key()
    row = BureauKey(
        bureau_id=bureau.id,  # type: ignore[arg-type]
        name=name,
        prefix=prefix,
        key_hash=key_hash(plain, _secret()),
        scopes=_validate_scopes(scopes),
        expires_at=utcnow() + timedelta(days=expires_in_days),
        rotated_from_id=rotated_from_id,
        created_by=actor.id,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "bureau_key.issue", bureau, ip, {"key_id": row.id, "prefix": prefix, "scopes": row.scopes})
    return plain, row


def list_keys(session: Session, bureau: Bureau) -> list[BureauKey]:
    return list(
        session.exec(select(BureauKey).where(BureauKey.bureau_id == bureau.id).order_by(col(BureauKey.id).desc())).all()
    )


def get_key(session: Session, bureau: Bureau, key_id: int) -> BureauKey:
    key = session.get(BureauKey, key_id)
    if key is None or key.bureau_id != bureau.id:
        raise NotFound("密钥不存在", code="key_not_found")
    return key


def revoke_key(session: Session, actor: StaffUser, bureau: Bureau, key_id: int, *, ip: str = "") -> BureauKey:
    key = get_key(session, bureau, key_id)
    result = session.exec(
        sa.update(BureauKey)
        .where(col(BureauKey.id) == key.id, col(BureauKey.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if result.rowcount == 0:
        raise Conflict("密钥已吊销", code="key_already_revoked")
    session.refresh(key)
    _audit(session, actor, "bureau_key.revoke", bureau, ip, {"key_id": key.id, "prefix": key.prefix})
    return key


def rotate_key(
    session: Session,
    actor: StaffUser,
    bureau: Bureau,
    key_id: int,
    *,
    overlap_hours: int = 24,
    expires_in_days: int | None = None,
    ip: str = "",
) -> tuple[str, BureauKey, BureauKey]:
    """A new key with the same scopes; the old one keeps working for `overlap_hours`, then expires.

    Returns (plain new key, new key row, old key row).
    """
    if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
        raise AppError(f"过渡期须在 0 至 {MAX_OVERLAP_HOURS} 小时之间", code="overlap_out_of_range", status_code=422)
    old = get_key(session, bureau, key_id)
    now = utcnow()
    overlap_end = now + timedelta(hours=overlap_hours)
    # One conditional UPDATE: only a live key can be rotated, and its expiry only ever moves closer.
    result = session.exec(
        sa.update(BureauKey)
        .where(col(BureauKey.id) == old.id, col(BureauKey.revoked_at).is_(None), col(BureauKey.expires_at) > now)
        .values(expires_at=sa.case((col(BureauKey.expires_at) > overlap_end, overlap_end), else_=BureauKey.expires_at))
    )
    if result.rowcount == 0:
        raise Conflict("密钥已吊销或已过期，不能轮换", code="key_not_active")
    session.refresh(old)
    days = expires_in_days or MAX_KEY_DAYS
    plain, new = issue_key(
        session,
        actor,
        bureau,
        scopes=[PushScope(s) for s in old.scopes],
        expires_in_days=days,
        name=old.name,
        ip=ip,
        rotated_from_id=old.id,
    )
    _audit(
        session,
        actor,
        "bureau_key.rotate",
        bureau,
        ip,
        {"old_key_id": old.id, "new_key_id": new.id, "overlap_hours": overlap_hours},
    )
    return plain, new, old


def key_is_active(key: BureauKey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return key.revoked_at is None and key.expires_at > now


# ---------------------------------------------------------------- authentication


def authenticate(session: Session, raw_key: str, ip: str = "") -> PushPrincipal:
    """The principal of a presented key, or 401. A malformed key (bad checksum) never reaches the database."""
    prefix = parse_key(raw_key)
    if prefix is None:
        raise Unauthorized("API 密钥格式有误（校验位不符）", code="api_key_malformed")
    key = session.exec(select(BureauKey).where(BureauKey.prefix == prefix)).first()
    expected = key.key_hash if key is not None else "0" * 64
    if key is None or not hmac.compare_digest(expected, key_hash(raw_key, _secret())):
        raise Unauthorized("API 密钥无效", code="api_key_invalid")
    now = utcnow()
    if key.revoked_at is not None:
        raise Unauthorized("API 密钥已吊销", code="api_key_revoked")
    if key.expires_at <= now:
        raise Unauthorized("API 密钥已过期", code="api_key_expired")
    bureau = session.get(Bureau, key.bureau_id)
    if bureau is None or not bureau.active:
        raise Unauthorized("推送单位已停用", code="bureau_inactive")
    touch_key(session, key, ip, now)
    return PushPrincipal(key=key, bureau=bureau)


def touch_key(session: Session, key: BureauKey, ip: str, now: datetime) -> bool:
    """Records the last use at most once a minute (one conditional UPDATE); True when it wrote."""
    result = session.exec(
        sa.update(BureauKey)
        .where(
            col(BureauKey.id) == key.id,
            sa.or_(col(BureauKey.last_used_at).is_(None), col(BureauKey.last_used_at) < now - LAST_USE_RESOLUTION),
        )
        .values(last_used_at=now, last_used_ip=ip[:64])
    )
    return bool(result.rowcount)


def _audit(session: Session, actor: StaffUser, action: str, bureau: Bureau, ip: str, detail: dict[str, object]) -> None:
    record(
        session,
        # A command-line operator (python -m app.bureaus issue-key) has no staff row: logged as "system".
        actor_type="staff" if actor.id is not None else "system",
        actor_id=actor.id if actor.id is not None else "cli",
        city_code=bureau.city_code,
        action=action,
        object_type="bureau",
        object_id=bureau.id,
        ip=ip,
        detail=detail,
    )


# ---------------------------------------------------------------- verification of pushed records (数据核验)


class VerifyDecision(StrEnum):
    verified = "verified"
    rejected = "rejected"


def _kind(kind_name: str) -> Any:
    from app.bureaus.kinds import KINDS, PushKind

    return KINDS[PushKind(kind_name)]


def kind_of(model: Any) -> str | None:
    """The push kind whose records live in `model`'s table (None when bureaus never push there)."""
    from app.bureaus.kinds import KINDS

    return next((k.name.value for k in KINDS.values() if k.model is model), None)


def _pending_conds(kind: Any, table: Any, scope: str | None) -> list[Any]:
    from app.demands.models import DemandStatus

    conds = [table.c.source == RecordSource.bureau.value]
    if kind.reviewed:
        conds.append(table.c.verification == Verification.pending.value)
        conds.append(table.c.publication == Publication.published.value)
    else:
        conds.append(table.c.status == DemandStatus.pending_review.value)
    if scope is not None:
        conds.append(table.c.city_code == scope)
    return conds


def pending_conds(actor: StaffUser, kind_name: str) -> list[Any]:
    """What "waits for 数据核验" means for pushed records of a kind, within the actor's city: the one definition
    behind this queue, the console's and `verify_record`."""
    kind = _kind(kind_name)
    return _pending_conds(kind, kind.model.__table__, city_scope(actor))


def list_pending(
    session: Session, actor: StaffUser, kind_name: str, page: int = 1, page_size: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Pushed records of one kind waiting for staff, in the actor's city scope, oldest first."""
    kind = _kind(kind_name)
    table = kind.model.__table__
    conds = _pending_conds(kind, table, city_scope(actor))
    total = session.execute(sa.select(sa.func.count()).select_from(table).where(*conds)).scalar_one()
    cols = [table.c.id, table.c.city_code, table.c.source_id, table.c.updated_at, *(table.c[c] for c in kind.columns)]
    rows = session.execute(
        sa.select(*cols)
        .where(*conds)
        .order_by(table.c.updated_at, table.c.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    items = []
    for row in rows:
        m = row._mapping
        items.append(
            {
                "kind": kind.name.value,
                "id": m["id"],
                "city_code": m["city_code"],
                "source_id": m["source_id"],
                "title": m[kind.title_field],
                "updated_at": m["updated_at"],
                "values": {c: m[c] for c in kind.columns},
            }
        )
    return items, int(total)


def verify_record(
    session: Session,
    actor: StaffUser,
    kind_name: str,
    record_id: int,
    decision: VerifyDecision,
    reason: str | None = None,
    *,
    ip: str = "",
) -> None:
    """Verifies or rejects one pushed record that waits for staff: one conditional UPDATE, city-scoped."""
    kind = _kind(kind_name)
    table = kind.model.__table__
    if decision == VerifyDecision.rejected and not reason:
        raise AppError("驳回须填写原因", code="reason_required", status_code=422)
    if not kind.reviewed:
        _verify_demand(session, actor, record_id, decision, reason, ip)
        return
    conds = [table.c.id == record_id, *_pending_conds(kind, table, city_scope(actor))]
    now = utcnow()
    published_at = (
        sa.func.coalesce(table.c.published_at, now) if decision == VerifyDecision.verified else table.c.published_at
    )
    values = {"verification": decision.value, "reject_reason": reason, "published_at": published_at}
    result = session.execute(sa.update(table).where(*conds).values(**values))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        row = session.execute(sa.select(table.c.city_code).where(table.c.id == record_id)).first()
        scope = city_scope(actor)
        if row is None or (scope is not None and row.city_code != scope):
            raise NotFound("记录不存在", code="record_not_found")
        raise Conflict("该记录不在待核验状态", code="not_pending")
    city = session.execute(sa.select(table.c.city_code).where(table.c.id == record_id)).scalar_one()
    from app.bureaus.push import after_push_write

    after_push_write(session, kind.model, [record_id])
    record(
        session,
        actor_type="staff",
        actor_id=actor.id,
        city_code=city,
        action=f"push.{decision.value}",
        object_type=kind.name.value,
        object_id=record_id,
        ip=ip,
        detail={"reason": reason} if reason else {},
    )


def _verify_demand(
    session: Session, actor: StaffUser, record_id: int, decision: VerifyDecision, reason: str | None, ip: str
) -> None:
    """A pushed demand is a 榜单 like any other: the 揭榜挂帅 rule publishes it (deadline still ahead, subscribers and
    its 技术经理人 told, audited), so there is no second way to publish one."""
    from app.demands import service as demands
    from app.demands.models import Demand

    row = session.execute(
        sa.select(col(Demand.source), col(Demand.city_code)).where(col(Demand.id) == record_id)
    ).first()
    scope = city_scope(actor)
    if row is None or row.source != RecordSource.bureau or (scope is not None and row.city_code != scope):
        raise NotFound("记录不存在", code="record_not_found")
    if decision == VerifyDecision.verified:
        demands.approve(session, actor, record_id, ip)
    else:
        demands.reject(session, actor, record_id, reason or "", ip)


# ---------------------------------------------------------------- cross-city duplicates


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).lower()


def flag_duplicates(session: Session, kind_name: str, city_code: str, ids: list[int]) -> int:
    """Flags pushed resources that look like another city's: same credit code, or same name and address.

    Set-based: one SELECT of the batch's rows, one of other cities' candidates, one of the flags already there,
    one executemany INSERT. Nothing is merged or hidden; staff decide. Returns the number of new flags.
    """
    from app.boards.resources.models import Resource
    from app.bureaus.models import DuplicateReason, PushDuplicate

    if kind_name != "resource" or not ids:
        return 0
    t = Resource.__table__  # type: ignore[attr-defined]
    mine: list[Any] = []
    for i in range(0, len(ids), 500):
        mine += session.execute(
            sa.select(t.c.id, t.c.org_credit_code, t.c.name, t.c.address).where(one_of(t.c.id, ids[i : i + 500]))
        ).all()
    codes = sorted({r.org_credit_code for r in mine if r.org_credit_code})
    names = sorted({r.name for r in mine if r.name and r.address})
    candidates: list[Any] = []
    for i in range(0, len(codes), 500):
        candidates += session.execute(
            sa.select(t.c.id, t.c.city_code, t.c.org_credit_code, t.c.name, t.c.address).where(
                one_of(t.c.org_credit_code, codes[i : i + 500]), t.c.city_code != city_code
            )
        ).all()
    for i in range(0, len(names), 500):
        candidates += session.execute(
            sa.select(t.c.id, t.c.city_code, t.c.org_credit_code, t.c.name, t.c.address).where(
                one_of(t.c.name, names[i : i + 500]), t.c.city_code != city_code
            )
        ).all()
    if not candidates:
        return 0
    by_code: dict[str, list[Any]] = {}
    by_name_address: dict[tuple[str, str], list[Any]] = {}
    for c in {c.id: c for c in candidates}.values():
        if c.org_credit_code:
            by_code.setdefault(c.org_credit_code, []).append(c)
        by_name_address.setdefault((_norm(c.name), _norm(c.address)), []).append(c)
    wanted: dict[tuple[int, int, str], dict[str, Any]] = {}
    for r in mine:
        matches = [
            (c, DuplicateReason.credit_code, r.org_credit_code) for c in by_code.get(r.org_credit_code or "", [])
        ]
        if r.address:
            matches += [
                (c, DuplicateReason.name_address, f"{r.name} / {r.address}")
                for c in by_name_address.get((_norm(r.name), _norm(r.address)), [])
            ]
        for other, reason, value in matches:
            a, b = sorted([(r.id, city_code), (other.id, other.city_code)])
            wanted[(a[0], b[0], reason.value)] = {
                "kind": kind_name,
                "reason": reason.value,
                "match_value": str(value)[:255],
                "record_id": a[0],
                "city_code": a[1],
                "other_record_id": b[0],
                "other_city_code": b[1],
                "created_at": utcnow(),
                "resolution": "",
            }
    d = PushDuplicate.__table__  # type: ignore[attr-defined]
    record_ids = sorted({k[0] for k in wanted})
    for i in range(0, len(record_ids), 500):
        for row in session.execute(
            sa.select(d.c.record_id, d.c.other_record_id, d.c.reason).where(
                d.c.kind == kind_name, one_of(d.c.record_id, record_ids[i : i + 500])
            )
        ):
            wanted.pop((row.record_id, row.other_record_id, row.reason), None)
    if wanted:
        session.execute(sa.insert(d), list(wanted.values()))
    return len(wanted)


def _duplicate_conds(actor: StaffUser, open_only: bool) -> list[Any]:
    """Flags the actor may see: those naming a record of the actor's city, on either side."""
    from app.bureaus.models import PushDuplicate

    conds: list[Any] = []
    if open_only:
        conds.append(col(PushDuplicate.resolved_at).is_(None))
    scope = city_scope(actor)
    if scope is not None:
        conds.append(sa.or_(col(PushDuplicate.city_code) == scope, col(PushDuplicate.other_city_code) == scope))
    return conds


def list_duplicates(session: Session, actor: StaffUser, *, open_only: bool = True) -> list[Any]:
    from app.bureaus.models import PushDuplicate

    stmt = select(PushDuplicate).where(*_duplicate_conds(actor, open_only)).order_by(col(PushDuplicate.id).desc())
    return list(session.exec(stmt.limit(500)).all())


def count_duplicates(session: Session, actor: StaffUser, *, open_only: bool = True) -> int:
    from app.bureaus.models import PushDuplicate

    stmt = select(sa.func.count()).select_from(PushDuplicate).where(*_duplicate_conds(actor, open_only))
    return int(session.exec(stmt).one())


def resolve_duplicate(session: Session, actor: StaffUser, dup_id: int, resolution: str, *, ip: str = "") -> Any:
    from app.bureaus.models import PushDuplicate

    dup = session.get(PushDuplicate, dup_id)
    scope = city_scope(actor)
    if dup is None or (scope is not None and scope not in (dup.city_code, dup.other_city_code)):
        raise NotFound("重复提示不存在", code="duplicate_not_found")
    result = session.exec(
        sa.update(PushDuplicate)
        .where(col(PushDuplicate.id) == dup_id, col(PushDuplicate.resolved_at).is_(None))
        .values(resolved_at=utcnow(), resolved_by=actor.id, resolution=resolution)
    )
    if result.rowcount == 0:
        raise Conflict("该重复提示已处理", code="duplicate_already_resolved")
    session.refresh(dup)
    record(
        session,
        actor_type="staff",
        actor_id=actor.id,
        city_code=dup.city_code,
        action="push.duplicate_resolve",
        object_type="push_duplicate",
        object_id=dup_id,
        ip=ip,
        detail={"resolution": resolution},
    )
    return dup
