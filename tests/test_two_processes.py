"""Two API processes on different ports, sharing the database and Redis, behave as one.

The whole 揭榜挂帅 story runs with every request alternating between the two processes; tokens issued by one work on
the other, the WeChat access token is fetched once in total (shared through Redis), a push replayed with the same
Idempotency-Key on the other process returns the first answer and writes nothing, and a rate limit counts the
requests of both.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from app.core.db import make_engine
from app.seed.reference import load_reference
from app.wechat.fake import FAKE_APP_SECRET, FakeState, FakeWeChatServer
from tests import factories
from tests.conftest import ROOT, bearer, fresh_database_url, migrate
from tests.push_helpers import resource_record
from tests.test_story_demands import run_story

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Alternating:
    """An httpx-like client whose every request goes to the next of several servers in turn."""

    def __init__(self, bases: list[str]) -> None:
        self.clients = [httpx.Client(base_url=b, timeout=30) for b in bases]
        self._next = itertools.cycle(self.clients)
        self.sent: dict[str, int] = {b: 0 for b in bases}

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        client = next(self._next)
        self.sent[str(client.base_url).rstrip("/")] += 1
        return client.request(method, url, **kw)

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)

    def put(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", url, **kw)

    def patch(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", url, **kw)

    def delete(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", url, **kw)

    def close(self) -> None:
        for c in self.clients:
            c.close()


@pytest.fixture()
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture()
def world(tmp_path: Path, redis_url: str) -> Iterator[dict[str, Any]]:
    url = fresh_database_url(tmp_path, "two_processes")
    migrate(url)
    # An app id of its own: the shared Redis keys of this run (access token, breaker) belong to it alone.
    app_id = f"wx2proc{os.getpid():09d}"[:16]
    wechat = FakeWeChatServer(state=FakeState(app_id=app_id)).start()
    engine = make_engine(url).execution_options(sqlite_write=True)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        staff = factories.staff_token(session, "two-process-staff")
        _, bureau_key = factories.bureau_key(session, "wuxi", trusted=True)
        session.commit()
    engine.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "ENVIRONMENT": "local",
        "WECHAT_API_BASE_URL": wechat.base_url,
        "WECHAT_APP_ID": app_id,
        "WECHAT_APP_SECRET": FAKE_APP_SECRET,
        "RATE_LIMIT_PER_PUSH_KEY": "6",
    }
    procs, bases = [], []
    for _ in range(2):
        port = _free_port()
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, proc in zip(bases, procs, strict=True):
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, "an API process exited at start"
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "an API process did not become ready"
                time.sleep(0.2)
        yield {"bases": bases, "staff": bearer(staff), "bureau_key": bureau_key, "wechat": wechat}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        wechat.stop()


class TestTwoProcesses:
    def test_the_whole_story_alternating(self, world: dict[str, Any]) -> None:
        client = Alternating(world["bases"])
        try:
            run_story(client, world["staff"])  # type: ignore[arg-type]
        finally:
            client.close()
        assert all(n > 10 for n in client.sent.values()), client.sent
        state: FakeState = world["wechat"].state
        assert state.token_fetches == 1, "the WeChat access token is fetched once for both processes"

    def test_idempotency_and_rate_limits_are_shared(self, world: dict[str, Any]) -> None:
        one, two = (httpx.Client(base_url=b, timeout=30) for b in world["bases"])
        headers = {"X-API-Key": world["bureau_key"], "Idempotency-Key": "two-process-batch-1"}
        body = {"records": [resource_record(1)]}
        # Windows are whole wall-clock minutes shared by every process; start well inside one, or the budget resets
        # halfway through and nothing is refused.
        into_minute = time.time() % 60
        if into_minute > 45:
            time.sleep(60 - into_minute + 0.5)
        try:
            first = one.post("/api/v1/push/resource", json=body, headers=headers)
            assert first.status_code == 200, first.text
            replay = two.post("/api/v1/push/resource", json=body, headers=headers)
            assert replay.status_code == 200, replay.text
            assert replay.json() == first.json()
            # The bureau key's budget (6 a minute here) is one budget across both processes.
            codes = []
            for i in range(6):
                # Past the sync interval, so that each process has told Redis its count before the next request.
                time.sleep(0.25)
                codes.append((one if i % 2 else two).get("/api/v1/push/batches", headers=headers).status_code)
            assert 429 in codes, codes
        finally:
            one.close()
            two.close()
