"""Event capacity under parallel registrations, against a real server and a committed database (SQLite or
PostgreSQL, whichever the suite runs on)."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlmodel import Session, select

from app.boards.showcase.models import Event
from app.contrib.models import EventRegistration
from app.core import db as core_db
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.main import create_app
from app.seed.reference import load_reference
from tests import factories
from tests.conftest import fresh_database_url, migrate
from tests.contrib_support import org_member

# Each write request holds two pooled connections (the member lookup's read session and the write session); the
# SQLite pool has 15, so more than about 14 parallel requests wait on the pool instead of on the database.
PARALLEL = 12
CAPACITY = 3


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL of a server on an ephemeral loopback port, database URL)."""
    url = fresh_database_url(tmp_path, "contrib_capacity")
    migrate(url)
    engine = make_engine(url)
    settings = Settings(environment="test", database_url=url)
    app = create_app(settings)

    def read() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s

    def write() -> Iterator[Session]:
        with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
            yield s

    app.dependency_overrides[core_db.get_session] = read
    app.dependency_overrides[core_db.get_write_session] = write
    app.dependency_overrides[get_settings] = lambda: settings
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.02)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}", url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


def test_parallel_registrations_never_exceed_capacity(served: tuple[str, str]) -> None:
    base, url = served
    engine = make_engine(url).execution_options(sqlite_write=True)
    with Session(engine, expire_on_commit=False) as s:
        load_reference(s)
        event = factories.event(s, capacity=CAPACITY, registered_count=0)
        heads = [org_member(s)[2] for _ in range(PARALLEL)]
        s.commit()
    start = threading.Barrier(PARALLEL)

    def attempt(headers: dict[str, str]) -> tuple[int, str]:
        with httpx.Client(base_url=base, timeout=60) as c:
            start.wait()
            r = c.post(
                f"/api/v1/showcase/events/{event.id}/registrations", json={"contact_name": "王工"}, headers=headers
            )
            return r.status_code, r.json()["code"] if r.status_code != 201 else "ok"

    with ThreadPoolExecutor(PARALLEL) as pool:
        outcomes = Counter(pool.map(attempt, heads))
    assert outcomes == Counter({(201, "ok"): CAPACITY, (409, "event_full"): PARALLEL - CAPACITY}), outcomes
    with Session(engine) as s:
        assert s.get(Event, event.id).registered_count == CAPACITY  # type: ignore[union-attr]
        assert len(s.exec(select(EventRegistration).where(EventRegistration.event_id == event.id)).all()) == CAPACITY
    engine.dispose()
