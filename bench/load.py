"""The load generator, run in its own process: `python -m bench.load --port P --duration S --connections C PATH…`.

HTTP/1.1 keep-alive over raw asyncio streams (uvloop when installed): C connections each send the next path of the
list, read the whole answer, record the latency. Stops after S seconds; prints one JSON object on stdout.
With --once, every distinct path is requested once (shared among the connections) and the run ends there: the pass
that fills a cache before a warm figure is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = -1
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        k = k.strip().lower()
        if k == b"content-length":
            length = int(v)
        elif k == b"transfer-encoding" and b"chunked" in v.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length > 0:
        await reader.readexactly(length)
    return status


async def _worker(
    host: str,
    port: int,
    paths: list[str],
    start: int,
    deadline: float,
    lat: list[float],
    stats: dict[str, int],
    headers: str,
    queue: list[str] | None = None,
) -> None:
    i = start
    n = len(paths)
    reader = writer = None
    while time.perf_counter() < deadline:
        if queue is not None and not queue:
            break
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            path = queue.pop() if queue is not None else paths[i % n]
            req = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode()
            i += 1
            t0 = time.perf_counter()
            writer.write(req)
            status = await _read_response(reader)
            dt = time.perf_counter() - t0
            lat.append(dt)
            key = str(status)
            stats[key] = stats.get(key, 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats["error"] = stats.get("error", 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def run(
    host: str, port: int, paths: list[str], duration: float, connections: int, headers: str, once: bool = False
) -> dict[str, Any]:
    lat: list[float] = []
    stats: dict[str, int] = {}
    t0 = time.perf_counter()
    deadline = t0 + duration
    step = max(1, len(paths) // max(1, connections))
    queue = sorted(set(paths), reverse=True) if once else None
    await asyncio.gather(
        *(_worker(host, port, paths, c * step, deadline, lat, stats, headers, queue) for c in range(connections))
    )
    seconds = time.perf_counter() - t0
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(len(lat) * p))] * 1000 if lat else 0.0

    ok = sum(v for k, v in stats.items() if k != "error" and (k.startswith("2") or k == "304"))
    return {
        "requests": len(lat),
        "errors": sum(stats.values()) - ok,
        "seconds": seconds,
        "rps": len(lat) / seconds if seconds else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": stats,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--header", action="append", default=[], help="extra request header, 'Name: value'")
    p.add_argument("--paths-file", help="one path per line (instead of PATH arguments)")
    p.add_argument("--once", action="store_true", help="each distinct path once, then stop (within --duration)")
    p.add_argument("paths", nargs="*")
    a = p.parse_args(argv)
    paths = list(a.paths)
    if a.paths_file:
        with open(a.paths_file, encoding="utf-8") as f:
            paths += [line.strip() for line in f if line.strip()]
    if not paths:
        p.error("no paths")
    headers = "".join(f"{h}\r\n" for h in a.header)
    try:
        import uvloop

        loop_factory: Any = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        result = runner.run(run(a.host, a.port, paths, a.duration, a.connections, headers, a.once))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
