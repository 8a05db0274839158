"""`python -m bench.inprocess details|lists|floor [N]`: the app driven in-process, to profile and compare read paths.

No server, no sockets, no load generator: N requests (default 3,000) of the bench's own paths go straight to the ASGI
app, 8 at a time, after 50 unmeasured ones; cookies make them miss the response cache, as the "no cache" figures do.
Prints the app process's CPU per request (its worker threads included) and, on PostgreSQL, the CPU per request of
every PostgreSQL process on the machine (so run nothing else there). Same settings as `python -m bench` (BENCH_DB,
BENCH_ROWS, BENCH_PG_URL); the database must exist (`make bench` makes it). App settings come from the environment,
e.g. `DB_CONCURRENT_READS=14 python -m bench.inprocess details`. Under a profiler:
`.venv/bin/py-spy record -o profile.svg -- .venv/bin/python -m bench.inprocess lists`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.data import database_url
from bench.registry import LoadResult

LOADED = 50
AT_ONCE = 8


def _postgres_cpu_seconds() -> float:
    """User + system CPU of every process named postgres (the server and its backends)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


async def _call(app: Any, path: str) -> int:
    p, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": p, "raw_path": p.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"bench"), (b"cookie", b"bench=nocache")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def _no_load(*_: Any, **__: Any) -> LoadResult:
    raise RuntimeError("in-process: there is no load generator")


async def run(kind: str, n: int) -> str:
    import bench.core as core
    from app.main import create_app
    from bench.registry import Context

    url = os.environ["DATABASE_URL"]
    app = create_app()
    if kind == "floor":
        paths = ["/api/v1/_floor"]
    else:
        from app.core.db import make_engine

        engine = make_engine(url)
        ctx = Context(base_url="", database_url=url, engine=engine, rows=core.ctx_rows(), duration=0, connections=0,
                      load=_no_load)  # fmt: skip
        paths = core.detail_paths(ctx, 400) if kind == "details" else core.list_paths(400)
        engine.dispose()
    async with app.router.lifespan_context(app):
        logging.disable(logging.INFO)  # the access log: the bench's server runs at "warning"
        for p in paths[:LOADED]:
            await _call(app, p)
        pg0, cpu0, t0 = _postgres_cpu_seconds(), time.process_time(), time.perf_counter()
        statuses: dict[int, int] = {}

        async def worker(k: int) -> None:
            for i in range(k, n, AT_ONCE):
                st = await _call(app, paths[i % len(paths)])
                statuses[st] = statuses.get(st, 0) + 1

        await asyncio.gather(*(worker(k) for k in range(AT_ONCE)))
        wall, cpu, pg = time.perf_counter() - t0, time.process_time() - cpu0, _postgres_cpu_seconds() - pg0
    line = f"{kind}: {n / wall:,.0f} req/s, app {cpu / n * 1000:.2f} ms CPU/request"
    if url.startswith("postgresql"):
        line += f", PostgreSQL {pg / n * 1000:.2f} ms CPU/request"
    return f"{line}; answers {dict(sorted(statuses.items()))}"


def main() -> int:
    kind = sys.argv[1] if len(sys.argv) > 1 else "details"
    if kind not in ("details", "lists", "floor"):
        print(__doc__)
        return 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    rows = int(os.environ.get("BENCH_ROWS") or 1_000_000)
    import bench.core as core

    core.ROWS[0] = rows
    os.environ.update(
        DATABASE_URL=database_url(os.environ.get("BENCH_DB") or "sqlite", rows),
        ENVIRONMENT="local",
        LOG_JSON="0",
        BENCH_FLOOR="1",
        RATE_LIMIT_PER_IP="0",
        RATE_LIMIT_PER_TOKEN="0",
    )
    import uvloop

    print(uvloop.run(run(kind, n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
