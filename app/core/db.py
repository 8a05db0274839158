"""Engine, sessions and the `SessionDep` alias.

Services never commit: a write endpoint ends its transaction with `session.commit()` itself, before the response
is sent (FastAPI runs the code after a dependency's `yield` only after the response has gone out).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import lru_cache
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool

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


# A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 1.0


def _ping_after_idle(engine: Engine) -> None:
    # `pool_pre_ping` pings on every checkout: a round trip per request, a large part of a detail read's time.
    # A connection in steady use needs no ping: if the server went away under it, the request that meets the dead
    # connection fails (503) and SQLAlchemy marks every connection older than that failure for replacement. What
    # the ping is for is the pool that sat idle while the server restarted; after a second idle it is pinged.
    @event.listens_for(engine, "checkin")
    def _on_checkin(_: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the driver's own error type: whatever it is, the connection is gone
            raise sa_exc.DisconnectionError() from exc
        if not alive:
            raise sa_exc.DisconnectionError()


def make_engine(url: str, *, echo: bool = False, pool_size: int = 20, max_overflow: int = 10) -> Engine:
    pool = {"pool_size": pool_size, "max_overflow": max_overflow}
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 15}, **pool)
        _sqlite_setup(engine)
        return engine
    engine = create_engine(url, echo=echo, **pool)
    _ping_after_idle(engine)
    return engine


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    engine = _engines.get(settings.database_url)
    if engine is None:
        if settings.is_sqlite:
            _ensure_sqlite_dir(settings.database_url)
        engine = _engines[settings.database_url] = make_engine(
            settings.database_url,
            echo=settings.sql_echo,
            pool_size=settings.pool_size,
            max_overflow=settings.pool_overflow,
        )
    return engine


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


logger = logging.getLogger(__name__)


def _close(session: Session) -> None:
    try:
        session.close()
    except DBAPIError as exc:
        # The teardown runs after the answer was sent: a connection the database dropped since the request's last
        # statement cannot be rolled back, the pool discards it, and there is nobody left to answer. A warning,
        # not an unhandled error.
        if not exc.connection_invalidated:
            raise
        logger.warning("database connection lost before the session closed; the pool discards it")


@asynccontextmanager
async def _request_session(engine: Engine) -> AsyncIterator[Session]:
    # `async`, so that FastAPI does not spend a thread-pool hop on each end of a sync generator. Making a session
    # does no I/O; closing one does only while it holds a transaction, and then it goes to the thread pool.
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(_close, session)
        else:
            session.close()


# -- admission -----------------------------------------------------------------------------------------------------
# A sync endpoint checks a connection out in one thread and gives it back in another hop, after the answer. Were
# more requests than connections let in, every thread could end up waiting in the pool for a connection held by a
# request that in turn waits for a thread to give it back: nothing moves until the pool times out (30 s, then 503s).
# So requests wait for a database slot on the event loop, holding no thread, and only as many are let in as the pool
# can serve at once: a request may hold two connections (its read and its write session), and two stay for the work
# outside requests (the view flushes).
_Semaphores = weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
_slots: _Semaphores = weakref.WeakKeyDictionary()
# A request keeps its slot above for its whole life, a WeChat call or an argon2 hash included, so there must be many.
# A read (`read` below) is short and all database and CPU: only `db_concurrent_reads` run at once.
_read_gates: _Semaphores = weakref.WeakKeyDictionary()


def _loop_semaphore(registry: _Semaphores, size: Callable[[Settings], int]) -> asyncio.Semaphore:
    """The running event loop's semaphore in `registry` (a semaphore belongs to one loop; tests run several)."""
    loop = asyncio.get_running_loop()
    semaphore = registry.get(loop)
    if semaphore is None:
        semaphore = registry[loop] = asyncio.Semaphore(size(get_settings()))
    return semaphore


def request_slots(settings: Settings) -> int:
    """Requests one process lets hold database connections at once."""
    return max(1, (settings.pool_size + settings.pool_overflow - 2) // 2)


async def database_slot() -> AsyncIterator[None]:
    async with _loop_semaphore(_slots, request_slots):
        yield


# One slot per request however many sessions it opens (FastAPI solves a dependency once per request).
DatabaseSlot = Annotated[None, Depends(database_slot)]


async def get_session(_: DatabaseSlot) -> AsyncIterator[Session]:
    async with _request_session(get_engine()) as session:
        yield session


async def get_write_session(_: DatabaseSlot) -> AsyncIterator[Session]:
    """A session whose transaction takes SQLite's write lock at BEGIN; on PostgreSQL the same as a read one."""
    async with _request_session(get_engine().execution_options(sqlite_write=True)) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]


# -- short transactions ------------------------------------------------------------------------------------------
# Two rules keep a write endpoint from starving the pool, the thread pool or SQLite's one write lock:
# - a slow step (argon2, a WeChat call) never runs inside a write transaction: end the transaction before it
#   (`end_transaction`) and open the write one after it (`transaction`);
# - the write transaction begins and ends (commit or rollback) inside the endpoint call itself. FastAPI runs a sync
#   endpoint and the session's close in separate thread-pool hops; a write lock (SQLite) or row lock (PostgreSQL)
#   kept until the close waits for a free thread while every thread waits for that lock.


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


def _reads_without_transaction(session: Session) -> bool:
    if _owned_by_caller(session) or session.in_transaction():
        return False
    return session.get_bind().dialect.name == "postgresql"


P = ParamSpec("P")
R = TypeVar("R")


async def read(session: Session, fn: Callable[Concatenate[Session, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`fn(session, …)` in the thread pool, its transaction ended there: an `async` endpoint reads in one thread-pool
    hop, where a sync one takes three (the call, the response check FastAPI runs beside it, the session's close).
    At most `db_concurrent_reads` run at once per process; on PostgreSQL without BEGIN/COMMIT."""

    def call() -> R:
        if _reads_without_transaction(session):
            # PostgreSQL at READ COMMITTED gives each statement its own snapshot inside a transaction too: a read's
            # BEGIN and COMMIT bought nothing but two more round trips and statements for the server to run.
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        result = fn(session, *args, **kwargs)
        end_transaction(session)
        return result

    async with _loop_semaphore(_read_gates, lambda settings: settings.db_concurrent_reads):
        return await run_in_threadpool(call)


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
