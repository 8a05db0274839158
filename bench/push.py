"""Push throughput (issues 4 and 8): records/s of 10,000-record bureau pushes beside a raw `executemany` upsert.

Runs on the bench's own database (BENCH_DB, BENCH_ROWS: the pushes land in a table already holding its share of the
synthetic records) and measures, each as BENCH_PUSH_RECORDS (10,000) records in batches of 1,000, one transaction
per batch as the endpoint does (`authenticate` + `run_push` + commit):

- new records from an ordinary bureau (held for verification: the default);
- the same records again with changed content (updated), then once more unchanged;
- new records from a trusted bureau (public at once, so every record goes into the search index);
- the floor: a raw `INSERT … ON CONFLICT (city_code, source_id) DO UPDATE` executemany of the same rows (the
  column values the push writes, validated beforehand), new and then updated, one transaction per 1,000.

Targets (issue 8): ≥ 5,000 new records/s on PostgreSQL and ≥ 50 % of the raw upsert. Every pushed row, its index rows,
duplicate flags and batches are deleted afterwards, so the database stays what `bench/data.py` made.

Standalone, without the HTTP server (for profiling): `python -m bench.push` (same settings).
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.boards.resources.models import Resource
from app.bureaus import service
from app.bureaus.kinds import KINDS, PushKind, plain
from app.bureaus.models import Bureau, BureauKey, PushBatch, PushDuplicate, PushScope
from app.bureaus.push import MAX_RECORDS, PushRequest, run_push
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.search.models import SearchDoc
from app.staff.models import StaffUser
from bench.registry import Context, Result, benchmark

CITY = "wuxi"
KIND = KINDS[PushKind.resource]
BENCH_STAFF = "bench-push"
TARGET_NEW_PG = 5000
TARGET_RATIO = 0.5


def push_records() -> int:
    return int(os.environ.get("BENCH_PUSH_RECORDS") or 10_000)


def records(token: str, n: int, *, version: int = 0) -> list[dict[str, Any]]:
    """What a bureau's nightly export of resources looks like: every field a platform has, WGS-84 points."""
    out = []
    for i in range(n):
        out.append(
            {
                "source_id": f"bench-{token}-{i:06d}",
                "source_updated_at": f"2026-0{1 + version}-01T08:00:00",
                "name": f"无锡{['集成电路', '物联网', '生物医药', '高端装备'][i % 4]}公共服务平台{i}",
                "kind": ["platform", "instrument", "poc_center", "incubator"][i % 4],
                "platform_level": ["national", "municipal", "district"][i % 3],
                "org_name": f"无锡某研究院{i % 97}",
                "district": ["新吴区", "滨湖区", "梁溪区", "锡山区"][i % 4],
                "address": f"无锡市新吴区测试路{i}号",
                "lat": 31.49 + (i % 100) * 0.001,
                "lng": 120.31 + (i % 73) * 0.001,
                "coord_system": "wgs84",
                "industry_code": ["ic", "iot", "biomed", "high_end_equipment"][i % 4],
                "capabilities": "检测认证、失效分析、可靠性试验" + ("，中试放大" if version else ""),
                "open_services": "大型仪器共享、委托检测",
                "description": "面向沿沪宁产业创新带的企业开放共享，提供从概念验证到中试熟化的全链条服务。" * 2,
                "contact_name": "王工",
                "contact_phone": "0510-85551234",
            }
        )
    return out


# ---------------------------------------------------------------- set-up and clean-up


def _bureau_key(session: Session, *, trusted: bool) -> str:
    """A bench bureau of wuxi (one ordinary, one trusted, reused across runs) and a fresh one-day key."""
    actor = session.exec(select(StaffUser).where(StaffUser.username == BENCH_STAFF)).first()
    if actor is None:
        actor = StaffUser(username=BENCH_STAFF, password_hash="!", role="district_admin", active=False)
        session.add(actor)
        session.flush()
    name = f"基准测试推送{'（免核验）' if trusted else ''}"
    bureau = session.exec(select(Bureau).where(Bureau.name == name, Bureau.city_code == CITY)).first()
    if bureau is None:
        bureau = service.create_bureau(session, actor, name=name, city_code=CITY, trusted=trusted)
    plain_key, _ = service.issue_key(session, actor, bureau, scopes=[PushScope.resources], expires_in_days=1)
    return plain_key


def cleanup(engine: Engine, token: str) -> None:
    """Deletes what this run wrote: its rows, their index rows and duplicate flags, the bench bureaus' batches."""
    table = Resource.__table__  # type: ignore[attr-defined]
    docs = SearchDoc.__table__  # type: ignore[attr-defined]
    dups = PushDuplicate.__table__  # type: ignore[attr-defined]
    like = f"%bench-{token}%"
    with engine.begin() as conn:
        ids = [int(i) for i in conn.execute(sa.select(table.c.id).where(table.c.source_id.like(like))).scalars()]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            conn.execute(sa.delete(docs).where(docs.c.kind == "resource", docs.c.record_id.in_(chunk)))
            conn.execute(
                sa.delete(dups).where(
                    dups.c.kind == "resource", sa.or_(dups.c.record_id.in_(chunk), dups.c.other_record_id.in_(chunk))
                )
            )
            conn.execute(sa.delete(table).where(table.c.id.in_(chunk)))
        bureaus = Bureau.__table__  # type: ignore[attr-defined]
        keys = BureauKey.__table__  # type: ignore[attr-defined]
        batches = PushBatch.__table__  # type: ignore[attr-defined]
        mine = sa.select(keys.c.id).join(bureaus, bureaus.c.id == keys.c.bureau_id)
        mine = mine.where(bureaus.c.name.startswith("基准测试推送"))
        conn.execute(sa.delete(batches).where(batches.c.key_id.in_(mine)))


# ---------------------------------------------------------------- the timed parts


def push_all(engine: Engine, key: str, recs: list[dict[str, Any]], tag: str) -> tuple[float, dict[str, int]]:
    """Seconds to push `recs` in batches of 1,000, one transaction each, as `POST /push/resource` does."""
    counts: dict[str, int] = {}
    start = time.perf_counter()
    for b in range(0, len(recs), MAX_RECORDS):
        body = PushRequest(records=recs[b : b + MAX_RECORDS])
        with Session(engine, expire_on_commit=False) as session:
            principal = service.authenticate(session, key)
            session.commit()
            answer = run_push(session, principal, PushKind.resource, f"bench-{tag}-{b:06d}", body)
            session.commit()
        if answer.status_code != 200:
            raise RuntimeError(f"push answered {answer.status_code}: {str(answer.body)[:500]}")
        for k, v in answer.body["counts"].items():
            counts[k] = counts.get(k, 0) + v
    return time.perf_counter() - start, counts


def raw_rows(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The column values the push writes for these records (validated here, outside the timing)."""
    from app.bureaus.push import _column_defaults

    now = utcnow()
    defaults = _column_defaults(KIND)
    rows = []
    for raw in recs:
        rec = KIND.record.model_validate(raw)
        row = {k: (v() if callable(v) else v) for k, v in defaults.items()}
        row.update({c: plain(getattr(rec, c)) for c in KIND.columns})
        row.update(
            city_code=CITY,
            source=RecordSource.bureau.value,
            source_id="raw-" + rec.source_id,  # type: ignore[attr-defined]
            source_updated_at=rec.source_updated_at,  # type: ignore[attr-defined]
            created_at=now,
            updated_at=now,
            published_at=None,
            publication=Publication.published.value,
            verification=Verification.pending.value,
        )
        rows.append(row)
    return rows


def raw_upsert(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """Seconds for `INSERT … ON CONFLICT (city_code, source_id) DO UPDATE` executemany, 1,000 rows a transaction."""
    table = Resource.__table__  # type: ignore[attr-defined]
    insert: Callable[..., Any] = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    content = [*KIND.columns, "source_updated_at", "updated_at", "verification"]
    stmt = stmt.on_conflict_do_update(
        index_elements=["city_code", "source_id"], set_={c: stmt.excluded[c] for c in content}
    )
    start = time.perf_counter()
    for b in range(0, len(rows), MAX_RECORDS):
        with engine.begin() as conn:
            conn.execute(stmt, rows[b : b + MAX_RECORDS])
    return time.perf_counter() - start


def measure(engine: Engine, n: int, say: Callable[[str], None] = lambda s: None) -> list[Result]:
    """The push figures on `engine`'s database; cleans up after itself."""
    engine = engine.execution_options(sqlite_write=True)
    postgres = engine.dialect.name == "postgresql"
    token = secrets.token_hex(4)
    with Session(engine) as session:
        key = _bureau_key(session, trusted=False)
        trusted_key = _bureau_key(session, trusted=True)
        session.commit()
    new = records(token, n)
    changed = records(token, n, version=1)
    trusted_new = records(f"{token}t", n)
    try:
        raw_new = raw_upsert(engine, raw_rows(new))
        raw_upd = raw_upsert(engine, raw_rows(changed))
        say(f"raw upsert {n / raw_new:,.0f} new/s, {n / raw_upd:,.0f} updated/s")
        t_new, c_new = push_all(engine, key, new, f"{token}-new")
        t_upd, c_upd = push_all(engine, key, changed, f"{token}-upd")
        t_same, c_same = push_all(engine, key, changed, f"{token}-same")
        t_trusted, c_trusted = push_all(engine, trusted_key, trusted_new, f"{token}-trusted")
        say(f"push {n / t_new:,.0f} new/s, {n / t_upd:,.0f} updated/s, {n / t_trusted:,.0f} trusted new/s")
    finally:
        cleanup(engine, token)
    for got, outcome in ((c_new, "created"), (c_upd, "updated"), (c_same, "unchanged"), (c_trusted, "created")):
        if got.get(outcome) != n:
            raise RuntimeError(f"expected {n} {outcome}, the reports counted {got}")

    def row(
        figure: str, seconds: float, floor: float | None, targets: list[tuple[str, float]], note: str = ""
    ) -> Result:
        return Result(
            figure=figure,
            rps=n / seconds,
            unit="records/s",
            floor_rps=n / floor if floor else None,
            targets=targets,
            note=note,
        )

    new_targets: list[tuple[str, float]] = [("ratio", TARGET_RATIO)]
    if postgres:
        new_targets.insert(0, ("rps", TARGET_NEW_PG))
    size = f"{n:,d} resources in batches of {MAX_RECORDS:,d}"
    return [
        row("push: new records (held for verification)", t_new, raw_new, new_targets, f"{size}; floor = raw upsert"),
        row("push: updated records", t_upd, raw_upd, [("ratio", TARGET_RATIO)]),
        row("push: unchanged records", t_same, raw_upd, []),
        row("push: new records, trusted (public, indexed)", t_trusted, raw_new, []),
        row("raw executemany upsert: new (floor)", raw_new, None, []),
        row("raw executemany upsert: updated (floor)", raw_upd, None, []),
    ]


@benchmark("push", order=40)
def push(ctx: Context) -> list[Result]:
    return measure(ctx.engine, push_records())


def main() -> int:
    """`python -m bench.push`: the push figures on the bench database, no HTTP server (for a profiler)."""
    from bench.__main__ import format_table
    from bench.data import prepare

    kind = os.environ.get("BENCH_DB") or "sqlite"
    rows = int(os.environ.get("BENCH_ROWS") or 1_000_000)
    _, engine = prepare(kind, rows)
    results = measure(engine, push_records(), say=print)
    print(format_table(results))
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
