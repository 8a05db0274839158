"""PostgreSQL restarted under load: while it is down every request answers 503 `database_unavailable` in the error
shape (never a 500, never SQL); once it is back, not one request fails.

The shared PostgreSQL server cannot be restarted from a test, so the API process reaches it through a loopback proxy
(tests/pgproxy.py) that can refuse new connections and cut every open one, which is what the app sees of a restart.
Runs whenever PostgreSQL is reachable (TEST_DATABASE_URL when it names PostgreSQL, otherwise TEST_POSTGRES_URL or
the default local server), also in the SQLite run of the suite; skipped only when PostgreSQL is not reachable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.core import db as core_db
from app.core.db import make_engine
from app.seed.reference import load_reference
from tests import factories
from tests.conftest import ROOT, bearer, migrate, recreate_postgres_database
from tests.contracts import assert_error_shape
from tests.pgproxy import PostgresProxy
from tests.test_two_processes import _free_port

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/market_test"
LOAD_THREADS = 6


def postgres_url() -> str:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        base = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    url = make_url(base)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return url.set(database=f"{url.database}_pgrestart{worker}").render_as_string(hide_password=False)


@dataclass
class Sent:
    started: float
    ended: float
    what: str
    status: int
    body: str


@pytest.fixture()
def api(tmp_path: Path) -> Iterator[dict[str, Any]]:
    direct = postgres_url()
    try:
        recreate_postgres_database(direct)
    except sa_exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {type(exc).__name__}")
    migrate(direct)
    engine = make_engine(direct)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        for n in range(5):
            factories.policy(session, title=f"支持科技创新的若干政策（第{n}号）")
        _, token = factories.member(session, "ofake_restart")
        session.commit()
    engine.dispose()

    target = make_url(direct)
    proxy = PostgresProxy(target.host or "127.0.0.1", target.port or 5432).up()
    through_proxy = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": through_proxy,
        "ENVIRONMENT": "local",
        # What is measured is the database path: no cached answers, no rate limits, no Redis.
        "RESPONSE_CACHE": "false",
        "RATE_LIMIT_PER_IP": "0",
        "RATE_LIMIT_PER_TOKEN": "0",
        "LOG_JSON": "true",
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "api.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the API process exited at start"
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the API process did not become ready"
            time.sleep(0.2)
        yield {"base": base, "token": token, "proxy": proxy, "log": tmp_path / "api.log"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        proxy.down()


def drive(base: str, token: str, stop: threading.Event, out: list[Sent], lock: threading.Lock, rounds: int = 0) -> None:
    """Reads (public list, own profile) and a write (own profile) in turn, as fast as the server answers, until
    `stop` is set (or `rounds` requests when given)."""
    headers = bearer(token)
    with httpx.Client(base_url=base, timeout=15) as client:
        n = 0
        while n < rounds or not stop.is_set():
            n += 1
            started = time.monotonic()
            if n % 3 == 0:
                what = "PATCH /api/v1/me"
                body = {"avatar_url": f"https://img.example.cn/a/{threading.get_ident()}/{n}.png"}
                r = client.patch("/api/v1/me", json=body, headers=headers)
            elif n % 3 == 1:
                what = "GET /api/v1/policy/policies"
                r = client.get("/api/v1/policy/policies", params={"page_size": 5})
            else:
                what = "GET /api/v1/me"
                r = client.get("/api/v1/me", headers=headers)
            sent = Sent(started, time.monotonic(), what, r.status_code, r.text)
            with lock:
                out.append(sent)


class TestPostgresRestartUnderLoad:
    def test_503_while_down_and_no_failure_once_back(self, api: dict[str, Any]) -> None:
        proxy: PostgresProxy = api["proxy"]
        results: list[Sent] = []
        lock, stop = threading.Lock(), threading.Event()
        # One of each request first: the process's first answers pay for lazy imports, not for the database.
        warm = threading.Event()
        warm.set()
        drive(api["base"], api["token"], warm, [], lock, rounds=3)
        threads = [
            threading.Thread(target=drive, args=(api["base"], api["token"], stop, results, lock))
            for _ in range(LOAD_THREADS)
        ]
        for t in threads:
            t.start()
        try:
            time.sleep(1.5)
            went_down = time.monotonic()
            proxy.down()  # every pooled connection dies mid-use; new ones are refused
            time.sleep(2.0)
            accepted_before = proxy.accepted
            proxy.up()
            came_back = time.monotonic()
            time.sleep(3.0)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)

        before = [s for s in results if s.ended < went_down]
        during = [s for s in results if s.started < came_back and s.ended >= went_down]
        after = [s for s in results if s.started >= came_back]
        assert before and after, "the load did not run on both sides of the restart"

        # Never a 500, whenever it was sent.
        assert {s.status for s in results} <= {200, 503}, sorted({(s.what, s.status) for s in results})
        assert [s for s in before if s.status != 200] == []

        refused = [s for s in during if s.status == 503]
        assert refused, "no request met the database down: the fault was not injected"
        for s in refused:
            body = httpx.Response(503, content=s.body).json()
            assert body == {"code": "database_unavailable", "message": "数据库暂时不可用，请稍后再试", "detail": None}
        for word in ("SELECT", "UPDATE", "psycopg", "sqlalchemy", "Traceback"):
            assert all(word not in s.body for s in results), word

        failed_after = [(s.what, s.status, s.body[:200]) for s in after if s.status != 200]
        assert failed_after == [], f"{len(failed_after)} of {len(after)} requests failed after PostgreSQL came back"
        assert proxy.accepted > accepted_before, "the pool did not reconnect through the proxy"
        # Figures for the report (pytest -s prints them).
        print(
            f"\nPostgreSQL restart: {len(before)} requests before, {len(during)} across the outage "
            f"({len(refused)} answered 503 database_unavailable), {len(after)} after it came back, "
            f"{len(failed_after)} failed after; 500s: 0"
        )
        log = api["log"].read_text()
        assert "Traceback" not in log, log[log.index("Traceback") - 600 :][:4000]


class TestDatabaseErrorsAnswer503:
    """The mapping itself, on any database: a lost connection is a 503 in the error shape, with no SQL."""

    @pytest.mark.parametrize(
        "error",
        [
            sa_exc.OperationalError("SELECT id FROM policy WHERE secret = %(p)s", {"p": 1}, OSError("refused")),
            sa_exc.InterfaceError("SELECT 1", {}, OSError("connection already closed")),
            sa_exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached"),
        ],
        ids=["operational", "interface", "pool-timeout"],
    )
    def test_lost_database_is_503(self, app: FastAPI, error: Exception) -> None:
        def broken() -> Iterator[Session]:
            raise error
            yield  # pragma: no cover

        app.dependency_overrides[core_db.get_session] = broken
        with TestClient(app, raise_server_exceptions=False) as client:
            r = client.get("/api/v1/policy/policies")
        body = assert_error_shape(r, 503, "database_unavailable")
        assert body["message"] == "数据库暂时不可用，请稍后再试"
        assert r.headers["Retry-After"]
        assert "SELECT" not in r.text and "QueuePool" not in r.text

    def test_integrity_errors_are_not_hidden_as_503(self, app: FastAPI) -> None:
        # A broken constraint is a bug to fix, not an outage to wait out.
        def broken() -> Iterator[Session]:
            raise sa_exc.IntegrityError("INSERT …", {}, Exception("duplicate key"))
            yield  # pragma: no cover

        app.dependency_overrides[core_db.get_session] = broken
        with TestClient(app, raise_server_exceptions=False) as client:
            r = client.get("/api/v1/policy/policies")
        assert_error_shape(r, 500, "internal_error")
        assert "INSERT" not in r.text
