"""The server under test: uvicorn with N workers (uvloop, httptools) on loopback, in its own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, database_url: str, workers: int = 2, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BENCH_FLOOR": "1",
            "ENVIRONMENT": "local",
            "LOG_JSON": "0",
            # One loopback client sends thousands of requests a second: the rate limits measure nothing here.
            "RATE_LIMIT_PER_IP": "0",
            "RATE_LIMIT_PER_TOKEN": "0",
            **(env or {}),
        }
        self.workers = workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = ROOT / "bench" / "results" / "server.log"

    def start(self, timeout: float = 60) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable, "-m", "uvicorn", "app.main:app",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--loop", "uvloop", "--http", "httptools",
            "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "5",
        ]  # fmt: skip
        self.started_at = time.perf_counter()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/_floor", timeout=1).status_code == 200:
                    self.startup_s = time.perf_counter() - self.started_at
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def rss_mb(self) -> float | None:
        """The largest resident size among the workers, in MB."""
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return max(sizes) if sizes else None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
