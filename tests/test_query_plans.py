"""Every list, filter and sort of the public API reads its board table through an index, never a full scan.

The test drives each list endpoint with every filter value and every sort the OpenAPI document offers, captures the
SQL the app sends, and asks the database for its plan:
- PostgreSQL: `EXPLAIN (FORMAT JSON)` with `enable_seqscan = off`, so that a tiny test table still shows the plan
  a table of 1,000,000 rows gets; a `Seq Scan` of a board table (one with no usable index) fails.
- SQLite: `EXPLAIN QUERY PLAN`; a `SCAN <board table>` without an index fails.
Keyword filters (substring search: `manager`, `district`, `field`, `education`) are search's business and left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.demands.models import Demand
from app.home.service import BOARDS
from tests import factories as f

BOARD_TABLES = {str(m.__tablename__) for _, _, models in BOARDS for m in models} | {"cooperationitem"}
TEXT_FILTERS = {"manager", "district", "field", "education"}
SKIP = {"page", "page_size", "cursor"}


def list_operations(app: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """(path, parameters) of every public list endpoint: GET, no path parameter, has `page`."""
    spec = app.openapi()
    out = []
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if not op or "{" in path or not path.startswith("/api/v1/") or op.get("security"):
            continue
        # A member's own lists ("…/mine") are not the anonymous browsing path; search and the map read the search
        # index (full-text and coordinates), whose plans tests/test_search*.py and the search benchmark cover.
        if path.startswith(
            ("/api/v1/staff", "/api/v1/me", "/api/v1/admin", "/api/v1/search", "/api/v1/map", "/api/v1/push")
        ):
            continue
        if path.endswith("/mine"):
            continue
        params = [p for p in op.get("parameters", []) if p["in"] == "query"]
        if any(p["name"] == "page" for p in params):
            out.append((path, params))
    return out


def _values(param: dict[str, Any], spec: dict[str, Any]) -> list[Any]:
    schema = param.get("schema", {})
    options = schema.get("anyOf", [schema])
    for o in options:
        ref = o.get("$ref")
        if ref:
            o = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        if "enum" in o:
            return list(o["enum"])
        if o.get("type") == "boolean":
            return [True, False]
        if o.get("type") == "integer":
            return [max(1, o.get("minimum", 1))]
    if param["name"] == "industry":
        return ["new_energy"]
    if param["name"] == "chain_code":
        return ["new_energy"]
    return []


def queries_for(app: Any, path: str, params: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    spec = app.openapi()
    yield {}
    by_name = {p["name"]: _values(p, spec) for p in params if p["name"] not in SKIP | TEXT_FILTERS}
    for name, values in by_name.items():
        for v in values:
            yield {name: v}
    # Filters combined with each sort, as the mini-program sends them.
    for sort in by_name.get("sort", []):
        for name, values in by_name.items():
            if name != "sort" and values:
                yield {name: values[0], "sort": sort}


@pytest.fixture()
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not statement.startswith("EXPLAIN"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    yield seen
    event.remove(engine, "before_cursor_execute", grab)


def _pg_full_scans(plan: dict[str, Any]) -> list[str]:
    bad = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BOARD_TABLES:
        bad.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        bad += _pg_full_scans(child)
    return bad


def full_scans(session: Session, statement: str, parameters: Any) -> list[str]:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        raw = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
        plan = raw if isinstance(raw, list) else json.loads(raw)
        return _pg_full_scans(plan[0]["Plan"])
    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    bad = []
    for row in rows:
        m = re.match(r"SCAN (\w+)(.*)", row[-1])
        if m and m.group(1) in BOARD_TABLES and "INDEX" not in m.group(2):
            bad.append(m.group(1))
    return bad


def _pg_sorts(plan: dict[str, Any]) -> list[str]:
    # An Incremental Sort only orders rows that arrive already sorted on a prefix of the keys (published_at off the
    # index, then id within equal times): it reads in index order and stops at the LIMIT. A Sort reads every row.
    found = [plan["Node Type"]] if plan.get("Node Type") == "Sort" else []
    for child in plan.get("Plans", []):
        found += _pg_sorts(child)
    return found


# Sorts that still read and sort every matching row, each for a reason no index can hold (yet):
# - events and demands by deadline put what is still open first: the split depends on the time of the request;
# - the demands list filters on four statuses (an IN list): only newest first has its own index (migration 0013),
#   and SQLite, offered the (status, …) indexes for the IN list, sorts even that one.
STILL_SORTED = {
    ("/api/v1/showcase/events", "deadline"),
    ("/api/v1/demands", "*"),
}


def sorts(session: Session, statement: str, parameters: Any) -> list[str]:
    """The sort steps of a statement's plan: none when an index hands the rows over in the order asked for.

    PostgreSQL plans with sorts and full scans priced out (`enable_sort`/`enable_seqscan` off), so that a tiny test
    table shows the plan 1,000,000 rows get wherever an index can deliver the order; where none can, a Sort remains.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        raw = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
        plan = raw if isinstance(raw, list) else json.loads(raw)
        return _pg_sorts(plan[0]["Plan"])
    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return [row[-1] for row in rows if "TEMP B-TREE FOR ORDER BY" in row[-1]]


@pytest.fixture()
def some_rows(session: Session) -> None:
    for b in (f.policy, f.resource, f.achievement, f.event, f.job, f.fund, f.expert, f.cooperation_item):
        b(session)


def check_plans(
    client: TestClient,
    session: Session,
    captured: list[tuple[str, Any]],
    requests: Iterator[tuple[str, dict[str, Any]]],
    check: Callable[[Session, str, Any], list[str]],
    only_ordered: bool = False,
) -> tuple[int, list[str]]:
    """Sends each (path, query), asks `check` about every board-table statement it caused (with ORDER BY, when
    `only_ordered`); returns how many statements were checked and the failures."""
    failures = []
    checked = 0
    for path, query in requests:
        captured.clear()
        r = client.get(path, params=query)
        assert r.status_code == 200, (path, query, r.text)
        for statement, parameters in list(captured):
            if not any(t in statement for t in BOARD_TABLES) or (only_ordered and "ORDER BY" not in statement):
                continue
            checked += 1
            found = check(session, statement, parameters)
            if found:
                failures.append(f"{path}?{query}: {found}\n    {statement[:400]}")
    return checked, failures


class TestListQueryPlans:
    def test_every_list_filter_and_sort_uses_an_index(
        self, app: Any, client: TestClient, session: Session, captured: list[tuple[str, Any]], some_rows: None
    ) -> None:
        operations = list_operations(app)
        assert len(operations) >= 15
        requests = ((path, query) for path, params in operations for query in queries_for(app, path, params))
        checked, failures = check_plans(client, session, captured, requests, full_scans)
        assert checked > 100
        assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"

    def test_every_sort_reads_its_first_page_off_an_index(
        self, app: Any, client: TestClient, session: Session, captured: list[tuple[str, Any]], some_rows: None
    ) -> None:
        """A sort that no index holds reads and sorts every public row for each page (the deadline sorts did:
        109 ms a page at 1,000,000 records)."""
        spec = app.openapi()

        def requests() -> Iterator[tuple[str, dict[str, Any]]]:
            for path, params in list_operations(app):
                sort = next((p for p in params if p["name"] == "sort"), None)
                for value in [None, *(_values(sort, spec) if sort else [])]:
                    if (path, value) in STILL_SORTED or (path, "*") in STILL_SORTED:
                        continue
                    for paging in ({}, {"cursor": ""}):
                        yield path, {**paging, **({"sort": value} if value else {})}

        checked, failures = check_plans(client, session, captured, requests(), sorts, only_ordered=True)
        assert checked > 40
        assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"

    def test_a_sort_without_an_index_is_caught(self, session: Session) -> None:
        assert sorts(session, "SELECT id FROM policy ORDER BY summary LIMIT 3", {}) != []
        assert sorts(session, "SELECT id FROM policy ORDER BY id DESC LIMIT 3", {}) == []

    def test_demand_table_is_a_board_table(self) -> None:
        # The 揭榜挂帅 lists read `demand`: it is checked like the others once its endpoint exists.
        assert str(Demand.__tablename__) in BOARD_TABLES

    def test_a_query_without_an_index_is_caught(self, session: Session) -> None:
        # The detector itself: a filter on an unindexed text column can only be answered by a full scan.
        assert full_scans(session, "SELECT id FROM policy WHERE summary = 'x'", {}) == ["policy"]
        assert full_scans(session, "SELECT id FROM policy WHERE city_code = 'putuo'", {}) == []
