"""Search benchmark: `python -m bench.search` (standalone until it joins `make bench`).

Fills the search index of a scratch database with N synthetic index rows (default 1,000,000; generated once and
reused; SQLite under var/bench/, PostgreSQL in BENCH_PG_URL's database + "_search") and measures, in-process:

- `GET /api/v1/search`'s service for a mix of 2-, 3- and 5-character queries (and one filter), p50 / p95 / max;
- the same through the ASGI app (Starlette TestClient: the full HTTP stack in-process, no sockets);
- matching: candidate solvers for a demand, per demand.

Settings: BENCH_SEARCH_ROWS (1000000), BENCH_DB (sqlite | postgresql), BENCH_PG_URL, BENCH_SEARCH_ROUNDS (30).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 50.0

# Vocabulary of the synthetic texts: technical terms of the seven chains, drawn uniformly, so that every query word
# hits several percent of the rows (a hard case: a rare word is cheaper, its doclist is short).
COMMON = ["电池", "检测", "芯片", "材料", "平台", "技术", "研发", "服务", "测试", "设备", "智能", "制造"]
TERMS = [
    "高镍正极",
    "硅碳负极",
    "固态电解质",
    "热失控预警",
    "储能系统",
    "钠离子电池",
    "钙钛矿",
    "异质结组件",
    "燃料电池电堆",
    "质子交换膜",
    "快充桩",
    "茂金属",
    "聚烯烃催化",
    "聚乙烯",
    "石墨烯导热膜",
    "碳纳米管",
    "碳纤维复合材料",
    "预浸料",
    "应用验证",
    "毒物分析",
    "电子数据取证",
    "谐波减速器",
    "伺服电机",
    "视觉传感器",
    "协作机器人",
    "巡检机器人",
    "实景三维",
    "数字孪生",
    "遥感影像",
    "北斗定位",
    "激光雷达",
    "失效分析",
    "先进封装",
    "射频芯片",
    "光刻胶",
    "外延生长",
    "原料药",
    "抗体药物",
    "医疗器械",
    "体外诊断",
    "临床试验",
    "中试放大",
    "成果转化",
    "专利许可",
    "概念验证",
    "孵化器",
]
ASCII = ["SiC", "GaN", "5G", "28GHz", "BMS", "POE", "DNA", "BIM", "GNSS", "AI", "IoT", "EDA"]
FILLER = "的与和及在对为以面向提供开展推进实现支持开发提升优化建设应用研究合作企业高校院所"
CITIES = ["putuo", "nanjing", "wuxi", "changzhou", "suzhou", "nantong", "zhenjiang", "taizhou"]
KINDS = [
    ("policy", "policy", "subsidy"),
    ("resources", "resource", "platform"),
    ("resources", "resource", "university"),
    ("tech", "tech_manager", "tech_manager"),
    ("finance", "fund", "fund"),
    ("finance", "financing_need", "a"),
    ("talent", "job", "job"),
    ("talent", "expert", "expert"),
    ("showcase", "achievement", "invention_patent"),
    ("showcase", "event", "roadshow"),
    ("demands", "demand", "tackling"),
    ("cooperation", "cooperation", "chain"),
    ("orgs", "organization", "institute"),
]
INDUSTRIES = ["new_energy", "new_material", "ic", "biomed", "robotics", "geo_info", "forensics", "ai"]
QUERIES = {
    "2-char": ["电池", "芯片", "检测", "材料", "储能"],
    "3-char": ["钙钛矿", "石墨烯", "原料药", "光刻胶", "机器人"],
    "5-char": ["聚烯烃催化", "固态电解质", "电子数据取", "碳纳米管导", "谐波减速器"],
    "ascii": ["SiC", "28GHz", "5G"],
}


def _text(rng: random.Random, n_terms: int) -> str:
    parts = []
    for _ in range(n_terms):
        r = rng.random()
        if r < 0.30:
            parts.append(rng.choice(COMMON))
        elif r < 0.85:
            parts.append(rng.choice(TERMS))
        else:
            parts.append(rng.choice(ASCII))
        parts.append("".join(rng.choice(FILLER) for _ in range(rng.randint(1, 4))))
    return "".join(parts)


def generate(engine: Engine, count: int, start: int, seed: int = 7) -> None:
    from app.search.models import SearchDoc
    from app.search.tokens import tag, token_text

    table = SearchDoc.__table__  # type: ignore[attr-defined]
    rng = random.Random(seed + start)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    batch: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    from app.search import ddl

    with engine.begin() as conn:
        # Bulk load: the full-text index is built once at the end instead of row by row.
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-400000")
            for statement in ddl.SQLITE_DOWN[:3]:
                conn.exec_driver_sql(statement)
        else:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {ddl.TSV_INDEX}")
        for i in range(start, start + count):
            board, kind, doc_type = KINDS[i % len(KINDS)]
            city = CITIES[rng.randrange(8)]
            industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
            title = _text(rng, rng.randint(2, 3))[:60]
            body = _text(rng, rng.randint(6, 14))
            point = kind in ("resource", "event")
            batch.append(
                dict(
                    board=board,
                    kind=kind,
                    record_id=i + 1,
                    city_code=city,
                    doc_type=doc_type,
                    industries=industry,
                    chain_nodes="",
                    title=title,
                    excerpt=body[:600],
                    title_tokens=token_text(title),
                    body_tokens=token_text(body),
                    tags=" ".join(
                        [tag("b", board), tag("k", kind), tag("c", city), tag("t", doc_type), tag("i", industry)]
                    ),
                    lat=31.0 + rng.random() * 1.6 if point else None,
                    lng=118.6 + rng.random() * 2.9 if point else None,
                    fresh_at=base + timedelta(minutes=i),
                    digest=f"{i:032x}",
                    indexed_at=base,
                )
            )
            if len(batch) >= 5000:
                conn.execute(sa.insert(table), batch)
                batch = []
                done = i + 1 - start
                if done % 100_000 == 0:
                    rate = done / (time.perf_counter() - t0)
                    print(f"  {done:,d} rows ({rate:,.0f}/s)", flush=True)
        if batch:
            conn.execute(sa.insert(table), batch)
        print(f"  rows in ({time.perf_counter() - t0:.0f} s); building the full-text index …", flush=True)
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            conn.exec_driver_sql(ddl.POSTGRES_UP[1])  # the GIN index
            conn.exec_driver_sql("ANALYZE search_doc")
        else:
            conn.exec_driver_sql(f"INSERT INTO {ddl.FTS_TABLE}({ddl.FTS_TABLE}) VALUES ('rebuild')")
            for statement in ddl.SQLITE_UP[1:]:  # the triggers again
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql("ANALYZE")


def prepare(kind: str, rows: int) -> Engine:
    from app.core.db import make_engine
    from app.seed.reference import load_reference
    from tests.conftest import migrate

    if kind == "sqlite":
        path = ROOT / "var" / "bench" / f"search_{rows}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    else:
        base = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/market_bench")
        u = make_url(base)
        url = u.set(database=f"{u.database}_search_{rows}").render_as_string(hide_password=False)
        _create_pg(url)
    migrate(url)
    engine = make_engine(url)
    with Session(engine.execution_options(sqlite_write=True)) as s:
        load_reference(s)
        s.commit()
    with engine.connect() as conn:
        have = int(conn.execute(sa.text("SELECT count(*) FROM search_doc")).scalar_one())
    if have < rows:
        print(f"generating {rows - have:,d} index rows into {make_url(url).render_as_string()} …", flush=True)
        t0 = time.perf_counter()
        generate(engine.execution_options(sqlite_write=True), rows - have, have)
        print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    return engine


def _create_pg(url: str) -> None:
    from app.core.db import make_engine

    target = make_url(url)
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}).first():
            conn.execute(
                sa.text(
                    f"CREATE DATABASE \"{target.database}\" TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                )
            )
    admin.dispose()


def _timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _row(name: str, ms: list[float], extra: str = "") -> str:
    ms = sorted(ms)
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    ok = "PASS" if p95 < TARGET_P95_MS else "FAIL"
    return f"| {name:<28} | {len(ms):>5} | {p50:>7.1f} | {p95:>7.1f} | {ms[-1]:>7.1f} | {ok} {extra}"


def run(engine: Engine, rounds: int) -> list[str]:
    from fastapi.testclient import TestClient

    from app.core import db as core_db
    from app.demands.models import Demand
    from app.main import create_app
    from app.search import matching, service
    from app.search.service import SearchQuery

    lines = [
        f"| {'search (in-process)':<28} | {'n':>5} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} | p95<50ms",
        "|" + "-" * 30 + "|-------|---------|---------|---------|------",
    ]
    totals: dict[str, int] = {}
    with Session(engine) as session:
        all_ms: list[float] = []
        for klass, qs in QUERIES.items():
            ms: list[float] = []
            for q in qs:
                sq = SearchQuery(q=q)
                totals[q] = service.search(session, sq)["total"]
                ms += _timed(partial(service.search, session, sq), rounds)
            all_ms += ms
            lines.append(_row(f"{klass} queries", ms, " ".join(f"{q}:{totals[q]:,}" for q in qs)))
        ms = []
        for q in QUERIES["2-char"]:
            sq = SearchQuery.model_validate({"q": q, "city": "nanjing", "board": "resources"})
            ms += _timed(partial(service.search, session, sq), rounds)
        lines.append(_row("2-char + city + board", ms))
        all_ms += ms
        lines.append(_row("all queries", all_ms))

        demands = [
            Demand(id=10**9 + i, title=t, keywords=k, description=t, demand_type="tackling", org_name="x",
                   city_code="taizhou", chain_code=n.split(".")[0], chain_node_code=n, industry_code=None)
            for i, (t, k, n) in enumerate([
                ("茂金属聚烯烃催化剂国产化", ["聚烯烃催化", "茂金属"], "new_material.3"),
                ("固态电池界面阻抗降低", ["固态电解质"], "new_energy.3"),
                ("SiC 功率模块封装", ["SiC", "先进封装"], "ic.4"),
                ("协作机器人谐波减速器寿命", ["谐波减速器"], "robotics.1"),
            ])
        ]  # fmt: skip
        ms = []
        for d in demands:
            ms += _timed(partial(matching.match_demand, session, d, 20), max(3, rounds // 5))
        lines.append(_row("matching, per demand", ms).replace("PASS", "    ").replace("FAIL", "    "))

    from app.core.config import Settings

    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)))

    def _session() -> Any:
        with Session(engine) as s:
            yield s

    app.dependency_overrides[core_db.get_session] = _session
    with TestClient(app) as client:
        ms = []
        for qs in QUERIES.values():
            for q in qs:
                ms += _timed(partial(client.get, "/api/v1/search", params={"q": q}), rounds)
        lines.append(_row("all queries via ASGI (HTTP)", ms))
    return lines


def main() -> int:
    rows = int(os.environ.get("BENCH_SEARCH_ROWS", "1000000"))
    kind = os.environ.get("BENCH_DB", "sqlite")
    rounds = int(os.environ.get("BENCH_SEARCH_ROUNDS", "30"))
    engine = prepare(kind, rows)
    lines = run(engine, rounds)
    print(f"\nsearch benchmark — {kind}, {rows:,d} index rows, {rounds} rounds per query, {datetime.now(UTC):%Y-%m-%d}")
    print("\n".join(lines))
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
