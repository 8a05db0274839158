"""The bench machinery works end to end on a few hundred rows: data, server, load generator, table. No timing."""

from __future__ import annotations

import os

import pytest

from bench.__main__ import format_table, run
from bench.registry import Result


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the smoke test runs once, on SQLite")
class TestBenchSmoke:
    def test_a_tiny_run_prints_every_figure(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("BENCH_PUSH_RECORDS", "150")
        monkeypatch.setenv("BENCH_SEARCH_ROUNDS", "1")
        monkeypatch.setenv("BENCH_SEARCH_SECONDS", "1")
        results, meta = run("sqlite", 300, duration=0.3, warmup=0, connections=4, workers=1, say=False)
        figures = [r.figure for r in results]
        assert figures[0].startswith("floor")
        assert any(f.startswith("board lists") for f in figures)
        assert any(f.startswith("details") for f in figures)
        assert any(f.startswith("anonymous mix") for f in figures)
        push = {r.figure: r for r in results if r.figure.startswith(("push:", "raw executemany"))}
        assert len(push) == 6, figures
        new = push["push: new records (held for verification)"]
        assert new.unit == "records/s" and new.rps and new.floor_rps and new.ratio is not None
        search = [r for r in results if r.figure.startswith(("search", "matching"))]
        assert any("over HTTP" in r.figure for r in search), figures
        assert all(r.rps is not None and r.rps > 0 and r.p50_ms is not None for r in search)
        floor = results[0]
        assert floor.rps and floor.rps > 0
        assert all(r.errors == 0 for r in results), [(r.figure, r.note) for r in results if r.errors]
        table = format_table(results)
        assert "PASS" in table or "FAIL" in table
        assert meta["rows"] == 300

    def test_only_selects_benchmarks(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("BENCH_PUSH_RECORDS", "100")
        results, _ = run("sqlite", 300, duration=0.2, warmup=0, connections=2, workers=1, only={"push"}, say=False)
        figures = [r.figure for r in results]
        assert figures[0].startswith("floor")
        assert any(f.startswith("push:") for f in figures)
        assert not any(f.startswith(("board lists", "search", "anonymous mix")) for f in figures), figures

    @pytest.mark.parametrize("kind", ["details", "lists"])
    def test_the_in_process_driver_reads_every_path(self, kind: str) -> None:
        import subprocess
        import sys

        from bench.data import prepare
        from bench.server import ROOT

        prepare("sqlite", 300, say=False)[1].dispose()
        env = {**os.environ, "BENCH_DB": "sqlite", "BENCH_ROWS": "300"}
        env.pop("DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, "-m", "bench.inprocess", kind, "40"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        assert out.stdout.strip().endswith("answers {200: 40}"), out.stdout + out.stderr

    def test_pushed_rows_are_cleaned_up(self) -> None:
        from bench import push
        from bench.data import prepare

        _, engine = prepare("sqlite", 300, say=False)
        before = push_count(engine)
        push.measure(engine, 100)
        assert push_count(engine) == before
        engine.dispose()


def push_count(engine: object) -> tuple[int, int]:
    import sqlalchemy as sa

    with engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(sa.text("SELECT count(*) FROM resource WHERE source_id LIKE '%bench-%'")).scalar_one()
        docs = conn.execute(sa.text("SELECT count(*) FROM search_doc")).scalar_one()
    return int(rows), int(docs)


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


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="the bench's PostgreSQL database"
)
class TestBenchDatabaseOnPostgres:
    def test_the_search_index_is_built_as_the_migrations_leave_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # The bench drops the full-text index for the bulk load and builds it again; built without 0015's short
        # pending list, its searches after a push read the whole list (p95 0.3-1 s instead of 40 ms).
        from sqlalchemy.engine import make_url

        from app.core.db import make_engine
        from app.search import ddl
        from bench.data import prepare

        url = make_url(os.environ["TEST_DATABASE_URL"])
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        monkeypatch.setenv("BENCH_PG_URL", url.set(database=f"{url.database}_bench{worker}").render_as_string(False))
        # Enough rows that the synthetic ones (indexed in bulk) outnumber the demo records (indexed as they are saved).
        bench_url, engine = prepare("postgresql", 2000, say=False)
        try:
            with engine.connect() as conn:
                options = conn.exec_driver_sql(
                    f"SELECT reloptions FROM pg_class WHERE relname = '{ddl.TSV_INDEX}'"
                ).scalar_one()
        finally:
            engine.dispose()
            admin = make_engine(url.set(database="postgres").render_as_string(False))
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(bench_url).database}" WITH (FORCE)')
            admin.dispose()
        assert options == [f"gin_pending_list_limit={ddl.GIN_PENDING_LIST_KB}"]
