"""The bench machinery works end to end on a few hundred rows: data, server, load generator, table. No timing."""

from __future__ import annotations

import os

import pytest

from bench.__main__ import format_table, run
from bench.registry import Result


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the smoke test runs once, on SQLite")
class TestBenchSmoke:
    def test_a_tiny_run_prints_every_figure(self) -> None:
        results, meta = run("sqlite", 300, duration=0.3, warmup=0, connections=4, workers=1, say=False)
        figures = [r.figure for r in results]
        assert figures[0].startswith("floor")
        assert any(f.startswith("board lists") for f in figures)
        assert any(f.startswith("details") for f in figures)
        assert any(f.startswith("anonymous mix") for f in figures)
        floor = results[0]
        assert floor.rps and floor.rps > 0
        assert all(r.errors == 0 for r in results), [(r.figure, r.note) for r in results if r.errors]
        table = format_table(results)
        assert "PASS" in table or "FAIL" in table
        assert meta["rows"] == 300


class TestResultRules:
    def test_rules(self) -> None:
        r = Result(figure="x", rps=500, p99_ms=40, floor_rps=1000, targets=[("ratio", 0.35), ("p99_ms", 50)])
        assert r.passed() is True
        assert Result(figure="x", rps=300, floor_rps=1000, targets=[("ratio", 0.35)]).passed() is False
        assert Result(figure="x", rps=300, errors=1, targets=[("rps", 100)]).passed() is False
        assert Result(figure="x", rps=250, unit="MB", targets=[("max", 200)]).passed() is False
        assert Result(figure="x", rps=1).passed() is None


class TestFloorEndpoint:
    def test_only_with_the_bench_setting_and_hidden(self, settings: object) -> None:
        from fastapi.testclient import TestClient

        from app.core.config import Settings
        from app.main import create_app

        assert isinstance(settings, Settings)
        off = TestClient(create_app(settings.model_copy(update={"bench_floor": False})))
        r = off.get("/api/v1/_floor")
        assert r.status_code == 404, r.text
        app = create_app(settings.model_copy(update={"bench_floor": True}))
        on = TestClient(app)
        r = on.get("/api/v1/_floor")
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 1
        assert "/api/v1/_floor" not in app.openapi()["paths"]
        prod = settings.model_copy(update={"bench_floor": True, "environment": "production"})
        assert TestClient(create_app(prod)).get("/api/v1/_floor").status_code == 404
