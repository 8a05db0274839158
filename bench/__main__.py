"""`python -m bench`: one table of throughput and latency next to the floor. Settings by environment:

BENCH_ROWS (1000000)       synthetic records in the board tables (generated once, reused)
BENCH_DB (sqlite)          sqlite | postgresql (BENCH_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/market_bench)
BENCH_DURATION (8)         seconds of load per figure, after BENCH_WARMUP (1) seconds of warm-up
BENCH_CONNECTIONS (64)     keep-alive connections of the load generator
BENCH_WORKERS (2)          uvicorn workers
BENCH_ONLY                 comma-separated benchmark names (floor always runs)
BENCH_SERVER_ENV           extra server settings, "NAME=value,NAME=value"
BENCH_REDIS_URL            the Redis the server shares, as deployed (redis://127.0.0.1:6379/9 if it answers; "none")
BENCH_PUSH_RECORDS (10000) records per push figure (bench/push.py)
BENCH_SEARCH_ROUNDS (20)   rounds of each search query set; BENCH_SEARCH_SECONDS (30) bounds the search figures' time
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.data import RESULTS, prepare
from bench.registry import Context, LoadResult, Result, load_all
from bench.server import ROOT, Server


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def make_loader(server: Server, duration: float, warmup: float, connections: int) -> Callable[..., LoadResult]:
    def load(paths: list[str], headers: list[str] | None = None, prime: bool = False) -> LoadResult:
        """`paths` for `duration` s after `warmup` s; `prime`: first each distinct path once (a cache filled, as it
        is for pages many visitors read)."""
        with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False, encoding="utf-8") as f:
            f.write("\n".join(paths))
            name = f.name
        try:
            base = [sys.executable, "-m", "bench.load", "--port", str(server.port), "--connections", str(connections),
                    "--paths-file", name]  # fmt: skip
            for h in headers or []:
                base += ["--header", h]
            if prime:
                subprocess.run([*base, "--once", "--duration", "120"], cwd=ROOT, capture_output=True, check=True)
            if warmup > 0:
                subprocess.run([*base, "--duration", str(warmup)], cwd=ROOT, capture_output=True, check=True)
            out = subprocess.run(
                [*base, "--duration", str(duration)], cwd=ROOT, capture_output=True, check=True, text=True,
                timeout=duration + 60,
            )  # fmt: skip
        finally:
            os.unlink(name)
        data = json.loads(out.stdout)
        return LoadResult(**data, rss_mb=server.rss_mb())

    return load


def _value(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    return f"{v:,.1f} {unit}" if abs(v) < 100 and unit not in ("req/s", "records/s") else f"{v:,.0f} {unit}"


def format_table(results: list[Result]) -> str:
    head = ["figure", "value", "p50 ms", "p99 ms", "errors", "floor", "ratio", "target", "pass"]
    lines = []
    for r in results:
        p = r.passed()
        lines.append([
            r.figure,
            _value(r.rps, r.unit),
            f"{r.p50_ms:.1f}" if r.p50_ms is not None else "—",
            f"{r.p99_ms:.1f}" if r.p99_ms is not None else "—",
            str(r.errors),
            f"{r.floor_rps:,.0f}" if r.floor_rps else "—",
            f"{r.ratio:.0%}" if r.ratio is not None else "—",
            r.target_text(),
            "—" if p is None else ("PASS" if p else "FAIL"),
        ])  # fmt: skip
    widths = [max(len(h), *(len(row[i]) for row in lines)) for i, h in enumerate(head)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in lines]
    return "\n".join(out)


def redis_for_server(url: str) -> str | None:
    """`url` if a Redis answers there: the service is deployed with one (the response cache's shared version lives
    there; without it, cached answers live 1 s)."""
    if url == "none":
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except redis.RedisError:
        return None
    return url


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def run(
    kind: str,
    rows: int,
    duration: float,
    warmup: float,
    connections: int,
    workers: int,
    only: set[str] | None = None,
    server_env: dict[str, str] | None = None,
    say: bool = True,
) -> tuple[list[Result], dict[str, object]]:
    from bench import core

    core.ROWS[0] = rows
    t_start = time.perf_counter()
    url, engine = prepare(kind, rows, say=say)
    results: list[Result] = []
    with Server(url, workers=workers, env=server_env) as server:
        # Not /openapi.json: building the schema costs a worker seconds of CPU just before the floor is measured.
        search = httpx.get(f"{server.base_url}/api/v1/search", params={"q": "电池"}, timeout=30).status_code == 200
        ctx = Context(
            base_url=server.base_url, database_url=url, engine=engine, rows=rows, duration=duration,
            connections=connections, load=make_loader(server, duration, warmup, connections),
            extra={"search_available": search, "server": server},
        )  # fmt: skip
        for b in load_all():
            if only and b.name not in only and b.name != "floor":
                continue
            if say:
                print(f"  {b.name} …", flush=True)
            results += b.run(ctx)
        startup = server.startup_s
    engine.dispose()
    results.append(Result(figure="start-up to first answer", rps=startup, unit="s", targets=[("max", 3)]))
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "database": kind,
        "rows": rows,
        "duration_s": duration,
        "connections": connections,
        "workers": workers,
        "wall_s": round(time.perf_counter() - t_start, 1),
    }
    return results, meta


def main() -> int:
    kind = _env("BENCH_DB", "sqlite")
    if kind not in ("sqlite", "postgresql"):
        print("BENCH_DB must be sqlite or postgresql", file=sys.stderr)
        return 2
    rows = int(_env("BENCH_ROWS", "1000000"))
    only = {x for x in _env("BENCH_ONLY", "").split(",") if x} or None
    server_env = dict(kv.split("=", 1) for kv in _env("BENCH_SERVER_ENV", "").split(",") if "=" in kv)
    if "REDIS_URL" not in server_env:
        redis_url = redis_for_server(_env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
        if redis_url:
            server_env["REDIS_URL"] = redis_url
    results, meta = run(
        kind, rows, float(_env("BENCH_DURATION", "8")), float(_env("BENCH_WARMUP", "1")),
        int(_env("BENCH_CONNECTIONS", "64")), int(_env("BENCH_WORKERS", "2")), only, server_env,
    )  # fmt: skip
    table = format_table(results)
    title = (
        f"{meta['date']} · {meta['machine']} · {meta['database']} · {meta['rows']:,} records · "
        f"{meta['workers']} workers · {meta['connections']} connections · {meta['duration_s']:g} s per figure · "
        f"Redis {'yes' if server_env.get('REDIS_URL') else 'no'}"
    )
    notes = "\n".join(f"- {r.figure}: {r.note}" for r in results if r.note)
    print(f"\n{title}\n\n{table}\n\n{notes}\nwhole run {meta['wall_s']} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"{stamp}-{kind}.md").write_text(f"{title}\n\n{table}\n", encoding="utf-8")
    (RESULTS / f"{stamp}-{kind}.json").write_text(
        json.dumps({"meta": meta, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
