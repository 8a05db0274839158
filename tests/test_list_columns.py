"""The public lists read the columns their summaries show: no full texts, contacts or attachments (which a board's
row can hold kilobytes of, read 21 times a page), on the page and on the cursor path alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.boards.policy.models import Policy
from app.boards.policy.schemas import PolicySummary
from app.core.listing import summary_columns
from tests import factories as f


@pytest.fixture()
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture()
def rows(session: Session) -> None:
    for k in range(3):
        f.policy(session, title=f"列宽政策{k}", full_text="全文" * 2000)
        f.achievement(session, title=f"列宽成果{k}", contact_phone="13800000000")
        f.demand(session, title=f"列宽榜单{k}", status="published", contact_phone="13800000000")


class TestSummaryColumns:
    def test_a_summary_has_no_full_text(self) -> None:
        names = [c.name for c in summary_columns(Policy, PolicySummary)]
        assert "title" in names and "summary" in names and "id" in names
        assert "full_text" not in names and "attachments" not in names

    def test_also_adds_what_a_converter_reads(self) -> None:
        assert "full_text" in [c.name for c in summary_columns(Policy, PolicySummary, "full_text")]


class TestListsReadTheirSummaries:
    @pytest.mark.parametrize(
        ("path", "table", "column"),
        [
            ("/api/v1/policy/policies", "policy", "full_text"),
            ("/api/v1/showcase/achievements", "achievement", "contact_phone"),
            ("/api/v1/demands", "demand", "contact_phone"),
        ],
    )
    @pytest.mark.parametrize("cursor", [None, ""])
    def test_the_page_query_leaves_out_what_the_list_does_not_show(
        self, client: TestClient, rows: None, statements: list[str], path: str, table: str, column: str, cursor: Any
    ) -> None:
        params = {} if cursor is None else {"cursor": cursor}
        r = client.get(path, params=params)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) >= 3
        pages = [s for s in statements if "LIMIT" in s.upper() and f"FROM {table}" in s and f"{table}.title" in s]
        assert pages, statements
        assert all(f"{table}.{column}" not in s for s in pages), pages


class TestShortListsAreTheirOwnCount:
    def test_a_first_page_with_room_to_spare_runs_no_count(
        self, client: TestClient, rows: None, statements: list[str]
    ) -> None:
        r = client.get("/api/v1/policy/policies", params={"page_size": 50})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == len(body["items"]) >= 3 and body["total_exact"] and not body["has_more"]
        assert not [s for s in statements if "count(" in s.lower()], statements

    def test_a_full_first_page_is_counted(self, client: TestClient, rows: None, statements: list[str]) -> None:
        r = client.get("/api/v1/policy/policies", params={"page_size": 2})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["has_more"] and body["total"] >= 3
        assert [s for s in statements if "count(" in s.lower()]
