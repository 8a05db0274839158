"""A push process killed with SIGKILL half-way leaves nothing; the replay with the same key completes the batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from app.bureaus.kinds import PushKind
from app.bureaus.push import PushRequest, run_push
from app.bureaus.service import authenticate
from app.core.db import make_engine
from app.seed.reference import load_reference
from tests import factories
from tests.conftest import ROOT, fresh_database_url, migrate
from tests.push_helpers import resource_record

N = 1000


class TestPushKilledMidBatch:
    def test_sigkill_then_replay(self, tmp_path: Path) -> None:
        url = fresh_database_url(tmp_path, "push_crash")
        migrate(url)
        engine = make_engine(url).execution_options(sqlite_write=True)
        with Session(engine) as session:
            load_reference(session)
            _, key = factories.bureau_key(session)
            session.commit()
        marker = tmp_path / "written"
        env = {**os.environ, "ENVIRONMENT": "test"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.push_worker", url, key, "crash-key-0001", str(N), str(marker)],
            cwd=ROOT,
            env=env,
        )
        try:
            deadline = time.monotonic() + 120
            while not marker.exists():
                assert proc.poll() is None, "the push worker ended before writing"
                assert time.monotonic() < deadline, "the push worker never wrote its rows"
                time.sleep(0.05)
            assert marker.read_text() == str(N)  # the rows are written inside the open transaction
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL

        def counts() -> tuple[int, int]:
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT count(*) FROM resource")).scalar_one()
                batches = conn.execute(sa.text("SELECT count(*) FROM push_batch")).scalar_one()
            return rows, batches

        assert counts() == (0, 0)
        with Session(engine) as session:
            principal = authenticate(session, key)
            body = PushRequest(records=[resource_record(i) for i in range(N)])
            answer = run_push(session, principal, PushKind.resource, "crash-key-0001", body)
            session.commit()
        assert answer.status_code == 200 and not answer.replayed
        assert answer.body["counts"]["created"] == N
        assert counts() == (N, 1)
        with Session(engine) as session:
            principal = authenticate(session, key)
            again = run_push(session, principal, PushKind.resource, "crash-key-0001", body)
            session.commit()
        assert again.replayed and again.body == answer.body
        assert counts() == (N, 1)
        engine.dispose()


class TestPushInFlight:
    def test_same_key_while_running_is_409(self, tmp_path: Path) -> None:
        """PostgreSQL: a push holds a transaction-scoped advisory lock on (API key, Idempotency-Key).

        SQLite takes its write lock at BEGIN, so there a second push with the same key waits for the first and then
        receives the first answer; there is no moment at which both run.
        """
        import pytest

        from app.bureaus.push import _lock_key
        from app.core.errors import Conflict

        url = fresh_database_url(tmp_path, "push_inflight")
        if not url.startswith("postgresql"):
            pytest.skip("in-flight detection is a PostgreSQL advisory lock; SQLite serialises pushes")
        migrate(url)
        engine = make_engine(url)
        with Session(engine) as session:
            load_reference(session)
            _, key = factories.bureau_key(session)
            session.commit()
        with Session(engine) as holder, Session(engine) as session:
            principal = authenticate(holder, key)
            holder.commit()
            a, b = _lock_key(principal, "inflight-0001")
            holder.execute(sa.select(sa.func.pg_advisory_xact_lock(a, b)))
            body = PushRequest(records=[resource_record(1)])
            principal2 = authenticate(session, key)
            session.commit()
            try:
                run_push(session, principal2, PushKind.resource, "inflight-0001", body)
                raise AssertionError("expected 409")
            except Conflict as exc:
                assert exc.status_code == 409 and exc.code == "push_in_flight"
            session.rollback()
            holder.rollback()
            answer = run_push(session, principal2, PushKind.resource, "inflight-0001", body)
            session.commit()
            assert answer.body["counts"]["created"] == 1
        engine.dispose()
