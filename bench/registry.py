"""Benchmarks register here; `python -m bench` runs them in order and prints one table."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

# Modules whose @benchmark functions run (sorted by each benchmark's `order`).
MODULES = ["bench.core", "bench.push", "bench.search"]


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    rss_mb: float | None = None


@dataclass
class Result:
    """One row of the table; `rps` is the figure's value in `unit` (requests/s unless told otherwise).

    Targets are rules: ("rps", 1000) value ≥ 1000, ("max", 200) value ≤ 200, ("ratio", 0.35) ≥ 35 % of the floor,
    ("p99_ms", 50) p99 ≤ 50 ms; a row passes when every rule holds and it had no errors."""

    figure: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    floor_rps: float | None = None
    unit: str = "req/s"
    targets: list[tuple[str, float]] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.rps is None or not self.floor_rps:
            return None
        return self.rps / self.floor_rps

    def target_text(self) -> str:
        parts = []
        for kind, v in self.targets:
            if kind == "ratio":
                parts.append(f"≥{v:.0%} floor")
            elif kind == "p99_ms":
                parts.append(f"p99≤{v:g}ms")
            elif kind == "max":
                parts.append(f"≤{v:g} {self.unit}")
            else:
                parts.append(f"≥{v:,.0f} {self.unit}")
        return ", ".join(parts) or "—"

    def passed(self) -> bool | None:
        if not self.targets:
            return None
        if self.errors:
            return False
        for kind, v in self.targets:
            if kind == "ratio" and (self.ratio is None or self.ratio < v):
                return False
            if kind == "p99_ms" and (self.p99_ms is None or self.p99_ms > v):
                return False
            if kind == "rps" and (self.rps is None or self.rps < v):
                return False
            if kind == "max" and (self.rps is None or self.rps > v):
                return False
        return True


@dataclass
class Context:
    base_url: str
    database_url: str
    engine: Engine
    rows: int
    duration: float
    connections: int
    load: Callable[..., LoadResult]  # (paths, headers=None, prime=False) -> LoadResult
    floor: LoadResult | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Benchmark:
    name: str
    order: int
    run: Callable[[Context], list[Result]]


BENCHMARKS: list[Benchmark] = []


def benchmark(
    name: str, order: int = 100
) -> Callable[[Callable[[Context], list[Result]]], Callable[[Context], list[Result]]]:
    def deco(fn: Callable[[Context], list[Result]]) -> Callable[[Context], list[Result]]:
        BENCHMARKS.append(Benchmark(name, order, fn))
        return fn

    return deco


def load_all() -> list[Benchmark]:
    for m in MODULES:
        importlib.import_module(m)
    return sorted(BENCHMARKS, key=lambda b: b.order)
