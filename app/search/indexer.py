"""Keeping the search index right on every write path.

- ORM writes (member posts, console edits, deletions through the session): an `after_flush` listener indexes every
  new or changed row of an indexed table and removes deleted or no-longer-public ones, in the same transaction.
- ORM-enabled bulk statements (`session.execute(update(Demand).where(...))`, the conditional UPDATEs of the state
  machines, `delete(...)`): a `do_orm_execute` listener reads the ids the statement's WHERE selects, lets the
  statement run, then re-indexes those ids. An UPDATE that only touches counters (`view_count` …) is skipped.
- Anything else (raw SQL, `connection.execute`, bulk upserts of pushes and imports): the writer calls
  `index_records(session, model, ids)` / `remove_records(session, model, ids)` itself, e.g. from the push hook
  `after_push_write`.
- `python -m app.search reindex` rebuilds everything.

A row is re-indexed only when its index row would change (a digest of it), by delete + insert, so that a changed
record also becomes the freshest one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.core.models import UTCDateTime
from app.core.sql import one_of
from app.search.documents import DocSpec, build_doc, spec_by_model, spec_for, specs
from app.search.models import SearchDoc

log = logging.getLogger(__name__)

CHUNK = 500
# Columns whose change never alters a record's index row.
COUNTER_COLUMNS = frozenset(
    {"view_count", "application_count", "registered_count", "completed_count", "updated_at", "source_updated_at"}
)
# A bulk statement touching more rows than this is left to the caller (index_records / reindex).
MAX_BULK_IDS = 20_000

_doc_table = SearchDoc.__table__  # type: ignore[attr-defined]
_ENABLED_KEY = "search_index_enabled"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _sync(conn: Any, spec: DocSpec, rows: dict[int, Any], ids: Iterable[int]) -> int:
    """Bring the index rows of `ids` in line with `rows` (missing = deleted); returns how many rows changed."""
    changed = 0
    for chunk in _chunks(sorted(set(ids))):
        existing = dict(
            conn.execute(
                sa.select(_doc_table.c.record_id, _doc_table.c.digest).where(
                    _doc_table.c.kind == spec.kind, one_of(_doc_table.c.record_id, chunk)
                )
            ).all()
        )
        stale: list[int] = []
        fresh: list[dict[str, Any]] = []
        for rid in chunk:
            row = rows.get(rid)
            doc = build_doc(spec, row) if row is not None else None
            if doc is None:
                if rid in existing:
                    stale.append(rid)
            elif existing.get(rid) != doc["digest"]:
                if rid in existing:
                    stale.append(rid)
                fresh.append(doc)
        if stale:
            conn.execute(
                sa.delete(_doc_table).where(_doc_table.c.kind == spec.kind, one_of(_doc_table.c.record_id, stale))
            )
        if fresh:
            fresh.sort(key=lambda d: (d["fresh_at"], d["record_id"]))
            conn.execute(sa.insert(_doc_table), fresh)
        changed += len(stale) + len(fresh)
    return changed


def index_records(session: Session, model: Any, ids: Iterable[int]) -> int:
    """Re-index these records of `model` (any table: unknown ones are ignored) from what the database holds now.

    For writers that bypass the ORM (bulk upserts, raw SQL); safe to call for ids that were deleted or are not
    public (their index rows go). Runs inside the caller's transaction; never commits.
    """
    spec = spec_for(model)
    ids = list(ids)
    if spec is None or not ids:
        return 0
    changed = 0
    conn = session.connection()
    table = model.__table__
    for chunk in _chunks(sorted(set(ids))):
        # Plain rows, not ORM objects: the database is the truth here (a raw UPDATE may have changed rows the session
        # holds), and the session's identity map is left alone. Only public rows are read: the others have no index
        # row (`_sync` drops any left), so a push of records held for verification reads nothing back.
        query = sa.select(table).where(one_of(table.c.id, chunk), *spec.public_sql(model))
        rows = {r.id: r for r in conn.execute(query)}
        changed += _sync(conn, spec, rows, chunk)
    return changed


def remove_records(session: Session, model: Any, ids: Iterable[int]) -> int:
    """Drop the index rows of these records (after a delete that bypassed the ORM)."""
    spec = spec_for(model)
    ids = list(ids)
    if spec is None or not ids:
        return 0
    return _sync(session.connection(), spec, {}, ids)


def after_push_write(session: Session, model: Any, ids: Iterable[int]) -> int:
    """The hook for bureau pushes and Excel imports: created, updated or removed records of `model`."""
    return index_records(session, model, ids)


def remove_closed_jobs(session: Session) -> int:
    """Drop the index rows of jobs whose closing date has passed since they were indexed: nothing writes to a job
    when it closes by the calendar. Run daily after midnight (China time): `python -m app.search expire`."""
    from app.boards.talent.models import Job
    from app.core.timeutil import today_cn

    conn = session.connection()
    job = Job.__table__  # type: ignore[attr-defined]
    ids = [
        rid
        for (rid,) in conn.execute(
            sa.select(_doc_table.c.record_id)
            .join(job, job.c.id == _doc_table.c.record_id)
            .where(_doc_table.c.kind == "job", job.c.closing_date < today_cn())
        )
    ]
    return remove_records(session, Job, ids)


# --- ORM listeners ---------------------------------------------------------------------------------------------


def _enabled(session: Session) -> bool:
    return bool(session.info.get(_ENABLED_KEY, True))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    if not _enabled(session):
        return
    by_spec: dict[str, tuple[DocSpec, dict[int, Any], set[int]]] = {}
    index = spec_by_model()
    for obj in list(session.new) + list(session.dirty):
        spec = index.get(type(obj))
        if spec is None or getattr(obj, "id", None) is None:
            continue
        entry = by_spec.setdefault(spec.kind, (spec, {}, set()))
        entry[1][obj.id] = obj
        entry[2].add(obj.id)
    for obj in session.deleted:
        spec = index.get(type(obj))
        if spec is None or getattr(obj, "id", None) is None:
            continue
        entry = by_spec.setdefault(spec.kind, (spec, {}, set()))
        entry[1].pop(obj.id, None)
        entry[2].add(obj.id)
    if not by_spec:
        return
    conn = session.connection()
    for spec, rows, ids in by_spec.values():
        _sync(conn, spec, rows, ids)


def _set_columns(stmt: Any) -> set[str] | None:
    values = getattr(stmt, "_values", None)
    if not values:
        return None
    return {getattr(k, "key", None) or getattr(k, "name", None) or str(k) for k in values}


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete) or not _enabled(state.session):
        return None
    mapper = state.bind_mapper
    spec = spec_for(mapper.class_) if mapper is not None else None
    if spec is None:
        return None
    stmt = state.statement
    model = spec.model
    params = state.parameters
    ids: list[int]
    if isinstance(params, list) and params and all(isinstance(p, dict) and "id" in p for p in params):
        ids = [int(p["id"]) for p in params]  # ORM bulk UPDATE by primary key
    else:
        if state.is_update:
            cols = _set_columns(stmt)
            if cols is not None and cols <= COUNTER_COLUMNS:
                return None
        where = getattr(stmt, "whereclause", None)
        query = sa.select(model.id)
        if where is not None:
            query = query.where(where)
        with state.session.no_autoflush:
            ids = list(
                state.session.execute(query.limit(MAX_BULK_IDS + 1), params if isinstance(params, dict) else None)
                .scalars()
                .all()
            )
        if len(ids) > MAX_BULK_IDS:
            log.warning("bulk %s on %s: too many rows to re-index here; run a reindex", stmt, spec.kind)
            return None
    result = state.invoke_statement()
    if ids:
        if state.is_delete:
            remove_records(state.session, model, ids)
        else:
            index_records(state.session, model, ids)
    return result


# --- full rebuild ----------------------------------------------------------------------------------------------


def _fresh_column(model: Any) -> Any:
    cols = [getattr(model, n) for n in ("published_at", "updated_at") if hasattr(model, n)]
    return sa.type_coerce(sa.func.coalesce(*cols), UTCDateTime()) if len(cols) > 1 else cols[0]


def reindex_all(session: Session, batch: int = 1000) -> int:
    """Empty the index and rebuild it from every table, each row's id given by its rank in order of freshness (so
    that ids follow freshness across all tables). Plain buffered reads in batches: no server-side cursors."""
    conn = session.connection()
    conn.execute(sa.delete(_doc_table))
    keys: list[tuple[Any, str, int]] = []
    for spec in specs().values():
        model = spec.model
        for rid, fresh in conn.execute(sa.select(model.id, _fresh_column(model)).where(*spec.public_sql(model))):
            keys.append((fresh or _EPOCH, spec.kind, rid))
    keys.sort()
    rank = {(kind, rid): i + 1 for i, (_, kind, rid) in enumerate(keys)}
    count = 0
    for spec in specs().values():
        table = spec.model.__table__
        ids = sorted(rid for kind, rid in rank if kind == spec.kind)
        for i in range(0, len(ids), batch):
            chunk = ids[i : i + batch]
            docs = []
            for row in conn.execute(sa.select(table).where(table.c.id.in_(chunk))):
                doc = build_doc(spec, row)
                if doc is not None:
                    doc["id"] = rank[(spec.kind, row.id)]
                    docs.append(doc)
            if docs:
                conn.execute(sa.insert(_doc_table), docs)
                count += len(docs)
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('search_doc', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM search_doc), false)"
            )
        )
    return count


def indexing_disabled(session: Session) -> None:
    """Switch the listeners off for one session (a bulk loader that calls `reindex_all` afterwards)."""
    session.info[_ENABLED_KEY] = False


__all__ = [
    "after_push_write",
    "index_records",
    "indexing_disabled",
    "reindex_all",
    "remove_closed_jobs",
    "remove_records",
]
