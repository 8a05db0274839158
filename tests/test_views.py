"""Detail views are tallied in memory and written in batches (app/core/views.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.boards.policy.models import Policy
from app.boards.showcase.models import Achievement
from app.core import db as core_db
from app.core.config import Settings
from app.core.db import make_engine
from app.core.views import ViewCounter
from tests import factories as f
from tests.conftest import reference_database


def stored(session: Session, model: Any, item_id: int) -> int:
    session.expire_all()
    row = session.get(model, item_id)
    assert row is not None
    return int(row.view_count)


class TestViewCounter:
    def test_flush_adds_each_tally_once(self, session: Session) -> None:
        a, b = f.policy(session, view_count=10), f.policy(session)
        c = f.achievement(session)
        views = ViewCounter()
        for model, item_id in [(Policy, a.id), (Policy, a.id), (Policy, a.id), (Policy, b.id), (Achievement, c.id)]:
            views.add(model, item_id)
        assert views.pending() == 5
        assert views.flush(session) == 5
        assert (stored(session, Policy, a.id), stored(session, Policy, b.id)) == (13, 1)
        assert stored(session, Achievement, c.id) == 1
        assert views.pending() == 0
        assert views.flush(session) == 0
        assert stored(session, Policy, a.id) == 13

    def test_two_processes_add_up(self, session: Session) -> None:
        p = f.policy(session)
        first, second = ViewCounter(), ViewCounter()
        first.add(Policy, p.id)
        second.add(Policy, p.id)
        second.add(Policy, p.id)
        first.flush(session)
        second.flush(session)
        assert stored(session, Policy, p.id) == 3

    def test_a_failed_flush_keeps_the_views(self, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
        p = f.policy(session)
        views = ViewCounter()
        views.add(Policy, p.id)
        views.add(Policy, p.id)

        def down(*_: object, **__: object) -> None:
            raise OperationalError("UPDATE policy", {}, Exception("server closed the connection"))

        with monkeypatch.context() as m:
            m.setattr(session, "execute", down)
            with pytest.raises(OperationalError):
                views.flush(session)
        assert views.pending() == 2
        views.add(Policy, p.id)
        assert views.flush(session) == 3
        assert stored(session, Policy, p.id) == 3

    def test_bounded_while_the_database_is_away(self) -> None:
        views = ViewCounter(max_pending=2)
        assert views.add(Policy, 1) == 1
        assert views.add(Policy, 2) == 1
        assert views.add(Policy, 3) == 0  # a third id is dropped, not queued
        assert views.add(Policy, 1) == 2  # an id already held still counts
        assert (views.pending(), views.dropped) == (3, 1)


class TestDetailViews:
    def test_reads_do_not_write_until_the_flush(self, app: Any, client: TestClient, session: Session) -> None:
        p = f.policy(session, view_count=7)
        for expected in (8, 9):
            r = client.get(f"/api/v1/policy/policies/{p.id}")
            assert r.status_code == 200, r.text
            assert r.json()["view_count"] == expected
        assert stored(session, Policy, p.id) == 7
        assert app.state.views.flush(session) == 2
        assert stored(session, Policy, p.id) == 9
        r = client.get(f"/api/v1/policy/policies/{p.id}")
        assert r.json()["view_count"] == 10

    def test_hidden_records_count_nothing(self, app: Any, client: TestClient, session: Session) -> None:
        hidden = f.policy(session, publication="draft")
        assert client.get(f"/api/v1/policy/policies/{hidden.id}").status_code == 404
        assert app.state.views.pending() == 0


@pytest.fixture()
def file_database(tmp_path: Path) -> Iterator[str]:
    url = reference_database(tmp_path, "views")
    yield url
    # The app's engine is kept per URL (`get_engine`), and the next test of this worker drops and creates a database
    # of the same name: its pooled connections would be dead, and a connection used under a second ago is not
    # pinged (`app.core.db.IDLE_PING_SECONDS`).
    engine = core_db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


class TestBackgroundFlush:
    """A running app (its lifespan) writes the tallies by itself: on its interval, and what is left at shutdown."""

    def _app(self, url: str, interval: float) -> tuple[Any, Any]:
        from app.main import create_app

        settings = Settings(environment="local", database_url=url, view_flush_seconds=interval, log_json=False)
        application = create_app(settings)
        engine = core_db.get_engine(settings)

        def _session() -> Iterator[Session]:
            with Session(engine, expire_on_commit=False) as s:
                yield s

        application.dependency_overrides[core_db.get_session] = _session
        return application, engine

    def _policy(self, engine: Any) -> int:
        with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
            p = f.policy(s)
            s.commit()
            return int(p.id)

    def _stored(self, engine: Any, pid: int) -> int:
        # A new short transaction each time: a long-lived reader would see one snapshot (and, on SQLite, hold the
        # flush's write off).
        with Session(engine) as s:
            return stored(s, Policy, pid)

    def test_on_its_interval(self, file_database: str) -> None:
        import time

        application, engine = self._app(file_database, 0.05)
        pid = self._policy(engine)
        with TestClient(application) as client:
            assert client.get(f"/api/v1/policy/policies/{pid}").status_code == 200
            deadline = time.monotonic() + 5
            while self._stored(engine, pid) != 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert self._stored(engine, pid) == 1

    def test_at_shutdown(self, file_database: str) -> None:
        application, engine = self._app(file_database, 0)
        pid = self._policy(engine)
        with TestClient(application) as client:
            for _ in range(3):
                assert client.get(f"/api/v1/policy/policies/{pid}").status_code == 200
            assert self._stored(engine, pid) == 0
        assert self._stored(engine, pid) == 3


class TestConcurrentFlushes:
    def test_two_processes_flushing_at_once_lose_nothing(self, file_database: str) -> None:
        """Two workers write overlapping tallies at the same moment, many times: rows are locked in one order (table
        name, then id), so neither waits on the other in a cycle, and every view arrives."""
        import random
        import threading

        engine = make_engine(file_database)
        with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
            ids = [int(f.policy(s).id) for _ in range(40)]
            s.commit()
        expected = dict.fromkeys(ids, 0)
        counters = [ViewCounter(), ViewCounter()]
        rng = random.Random(5)
        failures: list[int] = []
        for _ in range(15):
            for counter in counters:
                for item_id in rng.sample(ids, 25):
                    for _ in range(rng.randint(1, 3)):
                        counter.add(Policy, item_id)
                        expected[item_id] += 1
            start = threading.Barrier(2)

            def flush(counter: ViewCounter, start: threading.Barrier) -> None:
                start.wait()
                if counter.flush_to(engine) == 0:
                    failures.append(1)

            threads = [threading.Thread(target=flush, args=(c, start)) for c in counters]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert failures == [] and all(c.pending() == 0 for c in counters)
        with Session(engine) as s:
            assert {i: stored(s, Policy, i) for i in ids} == expected
        engine.dispose()
