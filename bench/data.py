"""The benchmark database: BENCH_ROWS synthetic records plus the demo data, made once and reused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app.core.db import make_engine
from app.seed.demo import load_demo
from app.seed.reference import load_reference
from app.seed.synthetic import WEIGHTS, generate, tname

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def database_url(kind: str, rows: int) -> str:
    """SQLite: a file under bench/results/; PostgreSQL: BENCH_PG_URL's database with the row count appended."""
    if kind == "sqlite":
        return f"sqlite:///{RESULTS / f'bench_{rows}.db'}"
    base = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/market_bench")
    url = make_url(base)
    return url.set(database=f"{url.database}_{rows}").render_as_string(hide_password=False)


def _create_pg(url: str) -> None:
    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}).first()
        if not exists:
            conn.execute(
                text(
                    f"CREATE DATABASE \"{target.database}\" TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                )
            )
    admin.dispose()


def board_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(int(conn.execute(text(f'SELECT count(*) FROM "{tname(m)}"')).scalar_one()) for m in WEIGHTS)


def prepare(kind: str, rows: int, say: bool = True) -> tuple[str, Engine]:
    """Migrates, loads reference and demo data and tops the board tables up to `rows` synthetic records."""
    from alembic import command
    from alembic.config import Config

    RESULTS.mkdir(parents=True, exist_ok=True)
    url = database_url(kind, rows)
    if kind != "sqlite":
        _create_pg(url)
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = url
    command.upgrade(cfg, "head")
    engine = make_engine(url)
    with Session(engine.execution_options(sqlite_write=True)) as s:
        load_reference(s)
        load_demo(s)
        s.commit()
    have = board_rows(engine)
    if have < rows:
        if say:
            print(
                f"generating {rows - have:,d} synthetic records into {make_url(url).render_as_string()} …", flush=True
            )
        t0 = time.perf_counter()
        generate(engine, rows - have, quiet=not say)
        if say:
            print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    ensure_search_index(engine, say=say)
    if kind != "sqlite":
        vacuum(engine, everything=have < rows)
    return url, engine


# Dead row versions a table may carry into a run before it is vacuumed.
DEAD_ROWS = 1000


def vacuum(engine: Engine, everything: bool = False) -> None:
    """What autovacuum would have done by now (this machine's PostgreSQL runs with it off).

    After a bulk load, everything: the visibility map lets counts and list pages read indexes alone. Before every
    later run, the tables earlier runs left dead rows in: the push figures insert and delete ~40,000 resources a
    run, and the view flushes rewrite rows. Unvacuumed, 490,000 dead versions beside 100,000 live resources made
    the resource lists several times slower from run to run.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if everything:
            conn.exec_driver_sql("VACUUM ANALYZE")
            return
        dead = conn.exec_driver_sql(
            "SELECT quote_ident(relname) FROM pg_stat_user_tables WHERE n_dead_tup > %(n)s ORDER BY relname",
            {"n": DEAD_ROWS},
        ).scalars()
        for table in list(dead):
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")  # nosec B608 - names from pg_stat_user_tables, quoted


def public_records(engine: Engine) -> int:
    """How many rows of the indexed tables are public (each has one search index row)."""
    from app.search.documents import specs

    with engine.connect() as conn:
        return sum(
            int(
                conn.execute(sa.select(sa.func.count()).select_from(s.model).where(*s.public_sql(s.model))).scalar_one()
            )
            for s in specs().values()
        )


def ensure_search_index(engine: Engine, say: bool = True) -> None:
    """The synthetic rows are bulk-loaded past the ORM, so the search index does not know them: rebuild it once, in
    bulk (full-text triggers or GIN index off while the rows go in, then built in one pass), as search and the
    browsing mix must run against an index of every public record."""
    from app.search import ddl
    from app.search.indexer import reindex_all

    with engine.connect() as conn:
        docs = int(conn.execute(text("SELECT count(*) FROM search_doc")).scalar_one())
    public = public_records(engine)
    if docs >= public * 0.98:
        return
    if say:
        print(f"indexing {public:,d} public records for search (once) …", flush=True)
    t0 = time.perf_counter()
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine.execution_options(sqlite_write=True)) as s:
        conn = s.connection()
        if sqlite:
            for statement in ddl.SQLITE_DOWN[:3]:  # the triggers; the FTS table stays and is rebuilt below
                conn.exec_driver_sql(statement)
        else:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {ddl.TSV_INDEX}")
        count = reindex_all(s, batch=2000)
        if sqlite:
            conn.exec_driver_sql(f"INSERT INTO {ddl.FTS_TABLE}({ddl.FTS_TABLE}) VALUES ('rebuild')")
            for statement in ddl.SQLITE_UP[1:]:
                conn.exec_driver_sql(statement)
        else:
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
            conn.exec_driver_sql(ddl.POSTGRES_UP[1])
            # The index as the migrations leave it: with 0015's short pending list (without it every search after a
            # push reads the whole list, 600 ms instead of 40).
            for statement in ddl.POSTGRES_UP_0015:
                conn.exec_driver_sql(statement)
        s.commit()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE search_doc" if not sqlite else "ANALYZE")
        conn.commit()
    if say:
        print(f"  {count:,d} index rows in {time.perf_counter() - t0:.0f} s", flush=True)
