"""Engine, sessions and the `SessionDep` alias.

Services never commit: a write endpoint ends its transaction with `session.commit()` itself, before the response
is sent (FastAPI runs the code after a dependency's `yield` only after the response has gone out).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from app.core.config import Settings, get_settings

_engines: dict[str, Engine] = {}


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling issues BEGIN lazily and never as IMMEDIATE; take it over so that a
    # write transaction takes the write lock up front and waits (busy_timeout) instead of failing with
    # "database is locked" half-way through.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 15})
        _sqlite_setup(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    engine = _engines.get(settings.database_url)
    if engine is None:
        if settings.is_sqlite:
            _ensure_sqlite_dir(settings.database_url)
        engine = _engines[settings.database_url] = make_engine(settings.database_url, echo=settings.sql_echo)
    return engine


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


logger = logging.getLogger(__name__)


def _request_session(engine: Engine) -> Iterator[Session]:
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        try:
            session.close()
        except DBAPIError as exc:
            # The teardown runs after the answer was sent: a connection the database dropped since the request's last
            # statement cannot be rolled back, the pool discards it, and there is nobody left to answer. A warning,
            # not an unhandled error.
            if not exc.connection_invalidated:
                raise
            logger.warning("database connection lost before the session closed; the pool discards it")


def get_session() -> Iterator[Session]:
    yield from _request_session(get_engine())


def get_write_session() -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock at BEGIN; on PostgreSQL the same as a read one."""
    yield from _request_session(get_engine().execution_options(sqlite_write=True))


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]


# -- short transactions ------------------------------------------------------------------------------------------
# Two rules keep a write endpoint from starving the pool, the thread pool or SQLite's one write lock:
# - a slow step (argon2, a WeChat call) never runs inside a write transaction: end the transaction before it
#   (`end_transaction`) and open the write one after it (`transaction`);
# - the write transaction begins and ends (commit or rollback) inside the endpoint call itself. FastAPI runs each
#   sync dependency and the teardown in separate thread-pool hops; a write lock (SQLite) or row lock (PostgreSQL)
#   kept until the teardown waits for a free thread while every thread waits for that lock.


def _owned_by_caller(session: Session) -> bool:
    # Bound to a connection the caller opened (the test fixture's outer transaction): its owner ends it.
    return isinstance(session.bind, Connection)


def end_transaction(session: Session) -> None:
    """Ends the session's current transaction, which has only read so far (its connection, and on SQLite the write
    lock, go back at once); the loaded rows stay usable (expire_on_commit is off). Not a way to commit writes: the
    endpoint does that."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("end_transaction() with unsaved changes: the endpoint commits writes, not this helper")
    if not _owned_by_caller(session):
        session.commit()


@contextmanager
def transaction(session: Session) -> Iterator[None]:
    """Commits at the end of the block; on any error rolls back at once, in the same thread."""
    try:
        yield
    except BaseException:
        if not _owned_by_caller(session):
            session.rollback()
        raise
    session.commit()


@lru_cache
def migration_heads() -> frozenset[str]:
    from pathlib import Path

    from alembic.script import ScriptDirectory

    root = Path(__file__).resolve().parents[2]
    return frozenset(ScriptDirectory(str(root / "migrations")).get_heads())


def schema_problem(engine: Engine) -> str | None:
    """Why the database cannot be served (not migrated, or migrated to another revision), or None when it can."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    heads = set(migration_heads())
    if current == heads:
        return None
    if not current:
        return "the database has not been migrated: run `alembic upgrade head` (make migrate) first"
    return f"the database is at {sorted(current)}, the code expects {sorted(heads)}: run `alembic upgrade head`"
