"""Push throughput: records/s of 10,000-record pushes (new, then updated) beside a raw executemany upsert.

Standalone until `make bench` exists: `.venv/bin/python bench_push.py [--n 10000] [--pg URL]`.
It builds its own scratch databases (a SQLite file in a temporary directory; with --pg, the PostgreSQL database
named in the URL is DROPPED and re-created), so it never touches the development database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("ENVIRONMENT", "test")

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from app.boards.resources.models import Resource
from app.bureaus.kinds import PushKind
from app.bureaus.push import MAX_RECORDS, PushRequest, run_push
from app.bureaus.service import authenticate
from app.core.db import make_engine
from app.seed.reference import load_reference
from tests import factories
from tests.conftest import migrate, recreate_postgres_database
from tests.push_helpers import resource_record


def _push_all(engine: Any, key: str, records: list[dict[str, Any]], tag: str) -> float:
    start = time.perf_counter()
    for b in range(0, len(records), MAX_RECORDS):
        with Session(engine) as session:
            principal = authenticate(session, key)
            session.commit()
            answer = run_push(
                session, principal, PushKind.resource, f"{tag}-{b:06d}", PushRequest(records=records[b : b + MAX_RECORDS])
            )
            session.commit()
            assert answer.status_code == 200, answer.body
    return time.perf_counter() - start


def _raw_upsert(engine: Any, records: list[dict[str, Any]]) -> float:
    table = Resource.__table__  # type: ignore[attr-defined]
    now = time.time()
    from app.core.models import utcnow

    ts = utcnow()
    rows = [
        {
            **{k: v for k, v in r.items() if k != "source_id"},
            "source_id": "RAW-" + r["source_id"],
            "city_code": "suzhou",
            "source": "bureau",
            "industries": [],
            "view_count": 0,
            "created_at": ts,
            "updated_at": ts,
            "publication": "published",
            "verification": "pending",
            "org_name": "",
            "open_services": "",
            "description": "",
            "rent_free_terms": "",
            "contact_name": "",
            "contact_phone": "",
        }
        for r in records
    ]
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    start = time.perf_counter()
    for b in range(0, len(rows), MAX_RECORDS):
        chunk = rows[b : b + MAX_RECORDS]
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["city_code", "source_id"],
            set_={c: stmt.excluded[c] for c in ("name", "address", "capabilities", "updated_at")},
        )
        with engine.begin() as conn:
            conn.execute(stmt, chunk)
    del now
    return time.perf_counter() - start


def bench(url: str, n: int) -> None:
    migrate(url)
    engine = make_engine(url).execution_options(sqlite_write=True)
    with Session(engine) as session:
        load_reference(session)
        _, key = factories.bureau_key(session, "wuxi")
        session.commit()
    records = [resource_record(i) for i in range(n)]
    created = _push_all(engine, key, records, "new")
    changed = [{**r, "capabilities": "检测认证、中试"} for r in records]
    updated = _push_all(engine, key, changed, "upd")
    unchanged = _push_all(engine, key, changed, "same")
    raw_new = _raw_upsert(engine, records)
    raw_upd = _raw_upsert(engine, changed)
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM resource")).scalar_one()
    assert total == 2 * n, total
    name = engine.dialect.name
    print(f"{name:10s} push new        {n / created:9.0f} records/s  ({created:.2f} s for {n})")
    print(f"{name:10s} push updated    {n / updated:9.0f} records/s  ({updated:.2f} s)")
    print(f"{name:10s} push unchanged  {n / unchanged:9.0f} records/s  ({unchanged:.2f} s)")
    print(f"{name:10s} raw upsert new  {n / raw_new:9.0f} records/s  ({raw_new:.2f} s, executemany ON CONFLICT)")
    print(f"{name:10s} raw upsert upd  {n / raw_upd:9.0f} records/s  ({raw_upd:.2f} s)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pg", default=None, help="PostgreSQL URL of a scratch database (dropped and re-created)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{Path(tmp) / 'bench_push.db'}", args.n)
    if args.pg:
        recreate_postgres_database(args.pg)
        bench(args.pg, args.n)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
