"""The request session (`app.core.db`): reads in one thread-pool hop, and the ping only for connections left idle."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app.core import db as core_db
from app.core.db import _request_session, make_engine, read

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture()
def pg_engine() -> Iterator[Engine]:
    """An engine on PostgreSQL's own `postgres` database, built by `make_engine` as the app's is (no schema needed)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        base = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    url = make_url(base).set(database="postgres").render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except sa_exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {type(exc).__name__}")
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _kill(engine: Engine, pid: int) -> None:
    # From a connection of another pool, as a server restart would end it.
    other = make_engine(engine.url.render_as_string(hide_password=False))
    with other.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        conn.commit()
    other.dispose()


class TestIdlePing:
    def test_a_connection_that_died_while_idle_is_replaced(self, pg_engine: Engine, monkeypatch: Any) -> None:
        pid = _backend_pid(pg_engine)
        _kill(pg_engine, pid)
        monkeypatch.setattr(core_db, "IDLE_PING_SECONDS", 0.0)
        assert _backend_pid(pg_engine) != pid

    def test_without_the_ping_the_dead_connection_is_handed_out(self, pg_engine: Engine, monkeypatch: Any) -> None:
        # What the ping above saves a request from: the same kill, met by a connection still counted as busy.
        pid = _backend_pid(pg_engine)
        _kill(pg_engine, pid)
        monkeypatch.setattr(core_db, "IDLE_PING_SECONDS", 3600.0)
        with pytest.raises(sa_exc.OperationalError) as caught:
            _backend_pid(pg_engine)
        assert caught.value.connection_invalidated
        # SQLAlchemy replaced it after the failure: the next request is served.
        assert _backend_pid(pg_engine) != pid

    def test_a_connection_in_steady_use_is_not_pinged(self, pg_engine: Engine, monkeypatch: Any) -> None:
        pings: list[Any] = []
        real_ping = pg_engine.dialect.do_ping

        def counting_ping(dbapi_conn: Any) -> bool:
            pings.append(dbapi_conn)
            return bool(real_ping(dbapi_conn))

        monkeypatch.setattr(pg_engine.dialect, "do_ping", counting_ping)
        for _ in range(5):
            _backend_pid(pg_engine)
        assert pings == []
        monkeypatch.setattr(core_db, "IDLE_PING_SECONDS", 0.0)
        _backend_pid(pg_engine)
        assert len(pings) == 1


class TestRead:
    def test_runs_in_a_worker_thread_and_ends_the_transaction_there(self, engine: Engine) -> None:
        threads: list[int] = []

        def probe(session: Session, value: int) -> int:
            threads.append(threading.get_ident())
            assert session.execute(text("SELECT 1")).scalar_one() == 1
            return value * 2

        session = Session(engine, expire_on_commit=False)
        try:
            assert asyncio.run(read(session, probe, 21)) == 42
            assert threads and threads[0] != threading.get_ident()
            # Nothing left for the request's teardown to do on the event loop's thread.
            assert not session.in_transaction()
        finally:
            session.close()

    def test_on_postgresql_a_read_opens_no_transaction(self, pg_engine: Engine) -> None:
        from psycopg.pq import TransactionStatus

        def probe(session: Session) -> TransactionStatus:
            session.execute(text("SELECT 1"))
            return session.connection().connection.dbapi_connection.info.transaction_status  # type: ignore[union-attr]

        session = Session(pg_engine, expire_on_commit=False)
        try:
            # Inside a transaction the status after a SELECT would be INTRANS (no BEGIN was sent, nor a COMMIT).
            assert asyncio.run(read(session, probe)) == TransactionStatus.IDLE
        finally:
            session.close()
        # The connection went back to the pool as it came: the next session's statements run in a transaction.
        with Session(pg_engine) as other:
            assert probe(other) == TransactionStatus.INTRANS

    def test_a_session_already_in_a_transaction_keeps_it(self, pg_engine: Engine) -> None:
        from psycopg.pq import TransactionStatus

        def probe(session: Session) -> TransactionStatus:
            return session.connection().connection.dbapi_connection.info.transaction_status  # type: ignore[union-attr]

        with Session(pg_engine, expire_on_commit=False) as session:
            session.execute(text("SELECT 1"))
            assert asyncio.run(read(session, probe)) == TransactionStatus.INTRANS

    def test_only_so_many_reads_run_at_once(self, engine: Engine, monkeypatch: Any) -> None:
        import time

        from app.core.config import Settings

        settings = Settings(environment="test", db_concurrent_reads=2)
        monkeypatch.setattr(core_db, "get_settings", lambda: settings)
        running: list[int] = []
        most: list[int] = [0]
        lock = threading.Lock()

        def slow(session: Session, k: int) -> int:
            with lock:
                running.append(k)
                most[0] = max(most[0], len(running))
            time.sleep(0.05)
            with lock:
                running.remove(k)
            return k

        async def burst() -> list[int]:
            sessions = [Session(engine) for _ in range(6)]
            try:
                return list(await asyncio.gather(*(read(s, slow, k) for k, s in enumerate(sessions))))
            finally:
                for s in sessions:
                    s.close()

        assert asyncio.run(burst()) == list(range(6))
        assert most[0] == 2

    def test_an_error_propagates_and_the_teardown_still_closes(self, engine: Engine) -> None:
        def failing(session: Session) -> None:
            session.execute(text("SELECT 1"))
            raise LookupError("not there")

        async def request() -> Session:
            async with _request_session(engine) as session:
                with pytest.raises(LookupError):
                    await read(session, failing)
                assert session.in_transaction()
            return session

        closed = asyncio.run(request())
        assert not closed.in_transaction()
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


class TestAdmission:
    def test_more_requests_than_connections_all_answer(self, database_url: str, monkeypatch: Any) -> None:
        """24 requests at once through sync endpoints, 2 connections and 4 threads: let in all at once, every thread
        would wait in the pool for a connection held by a request waiting for a thread (30 s, then 503s)."""
        import anyio.to_thread
        import httpx

        from app.core.config import Settings
        from app.main import create_app

        settings = Settings(environment="test", database_url=database_url, db_pool_size=1, db_max_overflow=1)
        engine = make_engine(database_url, pool_size=settings.pool_size, max_overflow=settings.pool_overflow)
        monkeypatch.setattr(core_db, "get_settings", lambda: settings)
        monkeypatch.setattr(core_db, "_engines", {database_url: engine})
        app = create_app(settings)

        async def burst() -> list[int]:
            anyio.to_thread.current_default_thread_limiter().total_tokens = 4
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                answers = await asyncio.wait_for(
                    asyncio.gather(*(client.get("/api/v1/cities") for _ in range(24))), timeout=20
                )
            return [r.status_code for r in answers]

        try:
            assert asyncio.run(burst()) == [200] * 24
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            engine.dispose()
