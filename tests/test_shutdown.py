"""SIGTERM with requests in flight: the production entry point lets every one of them finish, then exits cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from app.core.db import make_engine
from tests.conftest import ROOT, fresh_database_url, migrate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


class TestGracefulShutdown:
    def test_in_flight_requests_complete(self, tmp_path: Path) -> None:
        url = fresh_database_url(tmp_path, "shutdown")
        migrate(url)
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "local", "LOG_JSON": "true"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        engine = make_engine(url)
        try:
            _wait_until_up(base, proc)
            # Hold the database so that the requests below are provably still running when SIGTERM arrives.
            # (On SQLite a write transaction takes the write lock at BEGIN.)
            blocker = engine.execution_options(sqlite_write=True).connect()
            held = blocker.begin()
            if blocker.dialect.name == "postgresql":
                blocker.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
            answers: list[int] = []
            sent = threading.Semaphore(0)
            clients = [
                httpx.Client(base_url=base, timeout=30, event_hooks={"request": [lambda _: sent.release()]})
                for _ in range(5)
            ]

            def attempt(i: int) -> None:
                r = clients[i].post("/api/v1/staff/login", json={"username": f"nobody{i}", "password": "x" * 12})
                answers.append(r.status_code)

            threads = [threading.Thread(target=attempt, args=(i,)) for i in range(5)]
            for t in threads:
                t.start()
            for _ in threads:
                assert sent.acquire(timeout=30)
            # Requests that arrive after SIGTERM are rightly refused; these five are on the wire well before it.
            time.sleep(1.5)
            proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert proc.poll() is None, "the server quit with requests in flight"
            held.rollback()
            blocker.close()
            for t in threads:
                t.join(timeout=30)
            assert answers == [401] * 5, proc.stdout.read() if proc.stdout and proc.poll() is not None else ""
            for c in clients:
                c.close()
            # uvicorn re-raises the signal it handled once it has shut down cleanly.
            assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
            with engine.connect() as conn:
                failed = conn.execute(text("SELECT count(*) FROM audit_log WHERE outcome = 'failed'")).scalar_one()
            assert failed == 5, "every in-flight request finished its work, audit included"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
            engine.dispose()
