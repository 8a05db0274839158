"""The batch push: validate every record, then write the batch set-based, and keep the answer for replays.

One call = one transaction:
1. the idempotency check (PostgreSQL: a transaction-scoped advisory lock on (key, Idempotency-Key), so a second
   call with the same key while the first runs gets 409; SQLite: the write lock taken at BEGIN serialises pushes);
   a stored batch with the same key answers again (same body) or refuses (other body, 422);
2. every record is validated on its own (Chinese message and path per field error);
3. one SELECT of the rows already stored under the batch's (city, source_id)s decides created / updated /
   unchanged / stale per record;
4. an atomic batch with any error writes nothing (422); otherwise one executemany INSERT … RETURNING, one
   executemany UPDATE and one UPDATE for removals, each followed by `after_push_write()`;
5. the report is stored as the batch row in the same transaction, so a process killed half-way leaves neither
   rows nor a batch: a replay with the same Idempotency-Key simply runs again.

Verification (数据核验): a record from an untrusted bureau is created `pending` (demands: `pending_review`) and is
not public until staff verify it. An update that changes a verified record sends it back to `pending` — it leaves
the public lists until staff verify the new content (staff never publish text they have not seen). An unchanged
record keeps its state. A trusted bureau's records are verified as they arrive. Removal unpublishes the record
(demands: `withdrawn`); pushing it again brings it back through the same rules.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import prcoords
import sqlalchemy as sa
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_core import PydanticUndefined
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.bureaus.kinds import KINDS, CoordSystem, Kind, PushKind, plain
from app.bureaus.models import BatchStatus, PushBatch
from app.bureaus.service import PushPrincipal, flag_duplicates
from app.cities.models import City
from app.core.errors import AppError, Conflict, field_errors
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.core.schemas import RequestModel
from app.core.sql import one_of
from app.demands.models import DemandStatus

MAX_RECORDS = 1000
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{8,128}$"


class PushRequest(RequestModel):
    atomic: bool = Field(default=True, description="整批成败：任一条有误则整批不写入（默认）；false 时只写入无误的记录")
    coord_system: CoordSystem = Field(default=CoordSystem.gcj02, description="本批坐标的坐标系（单条可覆盖）")
    records: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_RECORDS, description="新增或更新的记录")
    remove: list[str] = Field(default_factory=list, max_length=MAX_RECORDS, description="要下线的记录的 source_id")

    @model_validator(mode="after")
    def _size(self) -> PushRequest:
        if not self.records and not self.remove:
            raise ValueError("records 与 remove 不能都为空")
        if len(self.records) + len(self.remove) > MAX_RECORDS:
            raise ValueError(f"每批最多 {MAX_RECORDS} 条（records 与 remove 合计）")
        for sid in self.remove:
            if not 1 <= len(sid) <= 64:
                raise ValueError("remove 中的 source_id 须为 1 至 64 个字符")
        return self


def request_hash(kind: PushKind, body: PushRequest, origin: str = "api") -> str:
    payload = orjson.dumps(
        {"kind": kind.value, "origin": origin, "body": body.model_dump(mode="json")}, option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(payload).hexdigest()


# ---------------------------------------------------------------- the hook


def after_push_write(session: Session, model: type[Any], ids: Sequence[int]) -> None:
    """Called after every bulk write of pushed rows (insert, update, removal), inside the push's transaction.

    The bulk path uses Core statements, so ORM events do not fire: the search index is brought up to date here,
    from what the rows hold now (removed or unpublished rows leave the index).
    """
    from app.boards.policy.models import Policy
    from app.core.listing import public_reviewed
    from app.my.service import announce_policy
    from app.search.indexer import index_records

    index_records(session, model, ids)
    if model is Policy and ids:
        # A trusted bureau's policy is public at once: its subscribers hear of it (announcing twice is harmless).
        for policy in session.exec(select(Policy).where(col(Policy.id).in_(ids), *public_reviewed(Policy))):
            announce_policy(session, policy)


# ---------------------------------------------------------------- validation


@dataclass
class Outcome:
    index: int
    source_id: str | None
    outcome: str = "error"
    id: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, Any] | None = None
    source_updated_at: Any = None

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "source_id": self.source_id, "outcome": self.outcome, "id": self.id}
        if self.errors:
            out["errors"] = self.errors
        if self.warnings:
            out["warnings"] = self.warnings
        return out


def _error(path: str, field_name: str, message: str, kind: str) -> dict[str, Any]:
    return {"field": field_name, "path": path, "message": message, "type": kind}


_CONVERT: dict[CoordSystem, Any] = {
    CoordSystem.wgs84: lambda p: prcoords.wgs_gcj(p, check_china=False),
    CoordSystem.bd09: prcoords.bd_gcj,
}


def _reference_codes(session: Session, kind: Kind) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for column, table in kind.references.items():
        ref = sa.table(table, sa.column("code"))
        out[column] = set(session.execute(sa.select(ref.c.code)).scalars())
    return out


def validate_records(
    session: Session, principal: PushPrincipal, kind: Kind, body: PushRequest, city: City
) -> list[Outcome]:
    refs = _reference_codes(session, kind)
    seen: dict[str, int] = {}
    results: list[Outcome] = []
    for index, raw in enumerate(body.records):
        prefix = f"records[{index}]"
        sid = raw.get("source_id") if isinstance(raw, dict) else None
        out = Outcome(index=index, source_id=sid if isinstance(sid, str) else None)
        results.append(out)
        try:
            rec: Any = kind.record.model_validate(raw)
        except ValidationError as exc:
            for e in field_errors(exc.errors()):
                out.errors.append(_error(f"{prefix}.{e['field']}", e["field"], e["message"], e["type"]))
            continue
        data = rec.__dict__
        if data.get("city_code") is not None and data["city_code"] != principal.city_code:
            out.errors.append(
                _error(
                    f"{prefix}.city_code",
                    "city_code",
                    f"只能推送本市（{city.name}）的数据",
                    "city_forbidden",
                )
            )
        if rec.source_id in seen:
            out.errors.append(
                _error(
                    f"{prefix}.source_id", "source_id", f"与第 {seen[rec.source_id]} 条的 source_id 重复", "duplicate"
                )
            )
        else:
            seen[rec.source_id] = index
        for column, codes in refs.items():
            value = data.get(column)
            if value is not None and value not in codes:
                out.errors.append(_error(f"{prefix}.{column}", column, "代码不存在", "unknown_code"))
        values = {c: plain(data[c]) for c in kind.columns}
        if kind.has_point:
            _point(rec, body.coord_system, values, city, prefix, out)
        if out.errors:
            continue
        out.values = values
        out.source_updated_at = rec.source_updated_at
    return results


def _point(rec: BaseModel, default: CoordSystem, values: dict[str, Any], city: City, prefix: str, out: Outcome) -> None:
    lat, lng = values.get("lat"), values.get("lng")
    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        out.errors.append(_error(f"{prefix}.{missing}", missing, "经纬度须同时填写", "missing"))
        return
    if lat is None or lng is None:
        return
    system = getattr(rec, "coord_system", None) or default
    convert = _CONVERT.get(system)
    if convert is not None:
        point = convert(prcoords.Coords(lat, lng))
        lat, lng = point.lat, point.lon
    values["lat"], values["lng"] = round(lat, 7), round(lng, 7)
    inside = city.bbox_min_lat <= lat <= city.bbox_max_lat and city.bbox_min_lng <= lng <= city.bbox_max_lng
    if not inside:
        out.warnings.append(
            {
                "field": "lat",
                "path": f"{prefix}.lat",
                "message": f"坐标不在{city.name}范围内，请核对坐标与坐标系",
                "type": "outside_city",
            }
        )


# ---------------------------------------------------------------- the batch


@dataclass
class PushAnswer:
    status_code: int
    body: dict[str, Any]
    replayed: bool = False
    batch_id: int | None = None


def _lock_key(principal: PushPrincipal, idem: str) -> tuple[int, int]:
    # Two signed 32-bit ints for pg_try_advisory_xact_lock(int, int): keys positive, staff importers negative.
    h = zlib.crc32(idem.encode())
    owner = principal.key_id if principal.key_id is not None else -(principal.staff_id or 0) - 1
    return owner, h - (1 << 32) if h >= 1 << 31 else h


def run_push(
    session: Session,
    principal: PushPrincipal,
    kind_name: PushKind,
    idempotency_key: str,
    body: PushRequest,
    *,
    origin: str = "api",
    digest: str | None = None,
) -> PushAnswer:
    """One push call, start to end, inside the caller's transaction (the caller commits)."""
    kind = KINDS[kind_name]
    principal.require_scope(kind.scope)
    digest = digest or request_hash(kind_name, body, origin)
    if session.get_bind().dialect.name == "postgresql":
        a, b = _lock_key(principal, idempotency_key)
        if not session.execute(sa.select(sa.func.pg_try_advisory_xact_lock(a, b))).scalar():
            raise Conflict("相同 Idempotency-Key 的推送正在处理中，请稍后重试", code="push_in_flight")
    owner = (
        PushBatch.key_id == principal.key_id
        if principal.key_id is not None
        else PushBatch.staff_id == principal.staff_id
    )
    stored = session.execute(
        sa.select(PushBatch).where(owner, PushBatch.idempotency_key == idempotency_key)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    if stored is not None:
        if stored.request_hash != digest:
            raise AppError(
                "该 Idempotency-Key 已用于内容不同的推送，请为新的推送使用新的 Idempotency-Key",
                code="idempotency_key_reused",
                status_code=422,
                detail={"batch_id": stored.id},
            )
        return PushAnswer(stored.http_status, stored.response, replayed=True, batch_id=stored.id)

    city = session.get(City, principal.city_code)
    assert city is not None
    results = validate_records(session, principal, kind, body, city)
    batch = PushBatch(
        bureau_id=principal.bureau_id,
        key_id=principal.key_id,
        staff_id=principal.staff_id,
        city_code=principal.city_code,
        kind=kind_name.value,
        idempotency_key=idempotency_key,
        request_hash=digest,
        origin=origin,
        atomic=body.atomic,
        status=BatchStatus.applied,
        record_count=len(body.records) + len(body.remove),
    )
    session.add(batch)
    session.flush()
    has_errors = any(r.errors for r in results)
    removals: list[Outcome] = []
    if has_errors and body.atomic:
        for r in results:
            if not r.errors:
                r.outcome = "skipped"
        removals = [Outcome(index=i, source_id=s, outcome="skipped") for i, s in enumerate(body.remove)]
        status = BatchStatus.rejected
    else:
        try:
            with session.begin_nested():
                removals = write_batch(session, principal, kind, results, body.remove)
        except IntegrityError:
            raise Conflict(
                "同一批记录正被另一次推送写入，请稍后用相同的 Idempotency-Key 重试", code="push_conflict"
            ) from None
        status = BatchStatus.partial if has_errors else BatchStatus.applied
    report = _report(batch, kind, status, results, removals)
    if status == BatchStatus.rejected:
        errors = [r.index for r in results if r.errors]
        shown = "、".join(str(i) for i in errors[:10]) + ("等" if len(errors) > 10 else "")
        http_status = 422
        answer: dict[str, Any] = {
            "code": "push_rejected",
            "message": f"有 {len(errors)} 条记录有误（第 {shown} 条，从 0 起），整批未写入",
            "detail": report,
        }
    else:
        http_status, answer = 200, report
    batch.status = status
    batch.http_status = http_status
    batch.counts = report["counts"]
    batch.response = answer
    session.add(batch)
    session.flush()
    return PushAnswer(http_status, answer, batch_id=batch.id)


def _report(
    batch: PushBatch, kind: Kind, status: BatchStatus, results: list[Outcome], removals: list[Outcome]
) -> dict[str, Any]:
    counts = dict.fromkeys(("created", "updated", "unchanged", "stale", "removed", "error", "skipped"), 0)
    warnings = 0
    for r in (*results, *removals):
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
        warnings += bool(r.warnings)
    counts["warning"] = warnings
    return {
        "batch_id": batch.id,
        "kind": kind.name.value,
        "city_code": batch.city_code,
        "atomic": batch.atomic,
        "status": status.value,
        "created_at": batch.created_at.isoformat(),
        "counts": counts,
        "results": [r.public() for r in results],
        "removals": [{k: v for k, v in r.public().items() if k != "index"} | {"index": r.index} for r in removals],
    }


# ---------------------------------------------------------------- set-based writes


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _existing(session: Session, kind: Kind, city_code: str, source_ids: list[str]) -> dict[str, Any]:
    table = kind.model.__table__  # type: ignore[attr-defined]
    state_cols = ["verification", "publication", "published_at"] if kind.reviewed else ["status", "published_at"]
    cols = [table.c.id, table.c.source_id, table.c.source_updated_at, *(table.c[c] for c in state_cols)]
    cols += [table.c[c] for c in kind.columns]
    rows: dict[str, Any] = {}
    for chunk in _chunks(source_ids):
        stmt = sa.select(*cols).where(table.c.city_code == city_code, one_of(table.c.source_id, chunk))
        for row in session.execute(stmt):
            rows[row.source_id] = row
    return rows


def _column_defaults(kind: Kind) -> dict[str, Any]:
    """Values of the table's columns a push does not set, from the model's own defaults."""
    out: dict[str, Any] = {}
    for name, info in kind.model.model_fields.items():
        if name in kind.columns or name == "id":
            continue
        if info.default_factory is not None:
            out[name] = info.default_factory  # called per row
        elif info.default is not None and info.default is not PydanticUndefined:
            out[name] = info.default
    return out


def _equal(old: Any, value: Any) -> bool:
    if isinstance(value, float) and isinstance(old, float):
        return abs(old - value) <= 1e-9
    return bool(old == value)


def _changed(stored: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values that differ from the stored row's."""
    mapping = stored._mapping
    return {column: value for column, value in values.items() if not _equal(mapping[column], value)}


def _demand_status(current: str | None, trusted: bool) -> str:
    if current in (DemandStatus.closed, DemandStatus.awarded, DemandStatus.completed):
        return current  # a demand past publication keeps its place in the workflow; only its text is updated
    return DemandStatus.published if trusted else DemandStatus.pending_review


def write_batch(
    session: Session, principal: PushPrincipal, kind: Kind, results: list[Outcome], remove: list[str]
) -> list[Outcome]:
    """Decides each valid record's outcome against the stored rows and writes the batch set-based."""
    table = kind.model.__table__  # type: ignore[attr-defined]
    city_code = principal.city_code
    trusted = principal.bureau.trusted
    now = utcnow()
    good = [r for r in results if r.values is not None]
    existing = _existing(session, kind, city_code, [r.source_id for r in good if r.source_id] + list(remove))
    inserts: list[Outcome] = []
    # (outcome, stored row, the content columns that changed): compared once, written as they are.
    updates: list[tuple[Outcome, Any, dict[str, Any]]] = []
    for r in good:
        assert r.values is not None and r.source_id is not None
        row = existing.get(r.source_id)
        if row is None:
            inserts.append(r)
            continue
        r.id = row.id
        if (
            row.source_updated_at is not None
            and r.source_updated_at is not None
            and r.source_updated_at < row.source_updated_at
        ):
            r.outcome = "stale"
            continue
        removed = (
            (row.publication == Publication.unpublished) if kind.reviewed else row.status == DemandStatus.withdrawn
        )
        changed = _changed(row, r.values)
        if not removed and not changed:
            r.outcome = "unchanged"
            if r.source_updated_at is not None and r.source_updated_at != row.source_updated_at:
                # Only the source's timestamp moved: record it, but the content (and its verification) stays.
                updates.append((r, row, changed))
            continue
        updates.append((r, row, changed))
        r.outcome = "updated"

    defaults = _column_defaults(kind)
    if inserts:
        rows = []
        for r in inserts:
            row_values = {k: (v() if callable(v) else v) for k, v in defaults.items()}
            row_values.update(r.values or {})
            row_values.update(
                city_code=city_code,
                source=RecordSource.bureau.value,
                source_id=r.source_id,
                source_updated_at=r.source_updated_at,
                created_at=now,
                updated_at=now,
                published_at=now if trusted else None,
            )
            if kind.reviewed:
                row_values["publication"] = Publication.published.value
                row_values["verification"] = (Verification.verified if trusted else Verification.pending).value
            else:
                row_values["status"] = _demand_status(None, trusted)
            rows.append(row_values)
        # A plain executemany (pipelined by psycopg, one C loop in sqlite3), then the new ids by (city, source_id)
        # through the unique index: INSERT … RETURNING of many rows goes through SQLAlchemy's "insertmanyvalues",
        # which renders every row into the SQL text and cost ~10 times the client CPU of the insert itself.
        conn = session.connection()
        conn.execute(sa.insert(table), rows)
        ids: dict[str, int] = {}
        for sids in _chunks([r.source_id for r in inserts]):
            found = sa.select(table.c.id, table.c.source_id).where(
                table.c.city_code == city_code, one_of(table.c.source_id, sids)
            )
            for new_id, sid in conn.execute(found):
                ids[sid] = new_id
        for r in inserts:
            r.id = ids[r.source_id]  # type: ignore[index]
            r.outcome = "created"
        after_push_write(session, kind.model, [r.id for r in inserts if r.id is not None])
        flag_duplicates(session, kind.name.value, city_code, [r.id for r in inserts if r.id is not None])

    if updates:
        # Each row sets only the content columns whose values changed, plus its state: SQLite rewrites every index
        # on a column named in SET, changed or not, and a bureau's update usually changes a field or two. The state
        # columns are always set, so that a verification in between is never left standing on changed content.
        # Rows that changed the same columns share one executemany.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r, row, content in updates:
            stored = row._mapping
            source_updated_at = r.source_updated_at or row.source_updated_at
            if not _equal(stored["source_updated_at"], source_updated_at):
                content["source_updated_at"] = source_updated_at
            content_changed = r.outcome == "updated"
            state: dict[str, Any] = {"updated_at": now, "published_at": row.published_at or (now if trusted else None)}
            if kind.reviewed:
                state["publication"] = Publication.published.value
                if content_changed:
                    state["verification"] = (Verification.verified if trusted else Verification.pending).value
                else:
                    state["verification"] = row.verification
            else:
                state["status"] = _demand_status(row.status, trusted) if content_changed else row.status
            written = content | state
            groups.setdefault(tuple(written), []).append({"b_id": row.id} | {f"v_{c}": v for c, v in written.items()})
        conn = session.connection()
        for set_cols, params in groups.items():
            stmt = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("b_id"))
                .values({c: sa.bindparam(f"v_{c}") for c in set_cols})
            )
            conn.execute(stmt, params)
        after_push_write(session, kind.model, [row.id for _, row, _ in updates])
        changed_ids = [row.id for r, row, _ in updates if r.outcome == "updated"]
        flag_duplicates(session, kind.name.value, city_code, changed_ids)

    removals: list[Outcome] = []
    to_remove: list[int] = []
    for i, sid in enumerate(remove):
        row = existing.get(sid)
        out = Outcome(index=i, source_id=sid)
        removals.append(out)
        if row is None:
            # Removing what is not there is done already: idempotent, with a note for the bureau.
            out.outcome = "unchanged"
            out.warnings.append(
                {"field": "source_id", "path": f"remove[{i}]", "message": "没有这条记录", "type": "not_found"}
            )
            continue
        out.id = row.id
        removed = (
            (row.publication == Publication.unpublished) if kind.reviewed else row.status == DemandStatus.withdrawn
        )
        if removed:
            out.outcome = "unchanged"
        else:
            out.outcome = "removed"
            to_remove.append(row.id)
    if to_remove:
        values: dict[str, Any] = {"updated_at": now}
        if kind.reviewed:
            values["publication"] = Publication.unpublished.value
        else:
            values["status"] = DemandStatus.withdrawn.value
        for chunk in _chunks(to_remove):
            session.execute(
                sa.update(table).where(one_of(table.c.id, chunk), table.c.city_code == city_code).values(values)
            )
        after_push_write(session, kind.model, to_remove)
    return removals
