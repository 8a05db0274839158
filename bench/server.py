"""The server under test: N uvicorn processes (uvloop, httptools) on one loopback port (`bench.worker`: a socket
each, SO_REUSEPORT), each in its own process group."""

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
        self.procs: list[subprocess.Popen[bytes]] = []
        self.log = ROOT / "bench" / "results" / "server.log"

    def start(self, timeout: float = 60) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "bench.worker", "--port", str(self.port)]
        self.started_at = time.perf_counter()
        with open(self.log, "wb") as log:
            self.procs = [
                subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
                for _ in range(self.workers)
            ]
        deadline = time.perf_counter() + timeout
        answered = False
        while time.perf_counter() < deadline:
            for proc in self.procs:
                if proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"a worker exited with {proc.returncode}; see {self.log}")
            if not answered:
                try:
                    if httpx.get(f"{self.base_url}/api/v1/_floor", timeout=1).status_code == 200:
                        self.startup_s = time.perf_counter() - self.started_at
                        answered = True
                except httpx.HTTPError:
                    pass
            # Load only once every worker listens: connections made before go to the ones that do.
            if answered and self._listening() >= self.workers:
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout} s; see {self.log}")

    def _listening(self) -> int:
        """Sockets listening on the port (IPv4, /proc/net/tcp: local address, state 0A)."""
        suffix = f":{self.port:04X}"
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
        return sum(1 for line in lines if line.split()[1].endswith(suffix) and line.split()[3] == "0A")

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.poll() is None]

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
        if not self.procs or all(p.poll() is not None for p in self.procs):
            return
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
