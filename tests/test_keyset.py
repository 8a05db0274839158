"""Cursor (keyset) pagination of the public lists: walking with next_cursor gives exactly the page/offset order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import utcnow
from app.core.timeutil import today_cn
from tests import factories as f


def walk(client: TestClient, path: str, params: dict[str, Any], size: int = 3) -> list[int]:
    ids: list[int] = []
    cursor = ""
    for _ in range(50):
        r = client.get(path, params={**params, "cursor": cursor, "page_size": size})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] is None
        ids += [i["id"] for i in body["items"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return ids
        cursor = body["next_cursor"]
    raise AssertionError("cursor walk did not end")


def by_pages(client: TestClient, path: str, params: dict[str, Any]) -> list[int]:
    r = client.get(path, params={**params, "page_size": 50})
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


@pytest.fixture()
def policies(session: Session) -> None:
    now = utcnow()
    for k in range(8):
        f.policy(
            session,
            title=f"游标测试政策{k}",
            city_code="nantong",
            published_at=now - timedelta(hours=k % 3),  # ties on published_at: id decides
            view_count=(k * 7) % 4,
            apply_deadline=None if k % 3 == 0 else today_cn() + timedelta(days=k % 4),
        )


@pytest.fixture()
def events(session: Session) -> None:
    now = utcnow()
    for k in range(7):
        f.event(session, title=f"游标活动{k}", city_code="nantong", starts_at=now + timedelta(days=k - 3))


class TestPolicyListCursor:
    @pytest.mark.parametrize("sort", ["newest", "popular", "deadline"])
    def test_walk_equals_page_order(self, client: TestClient, policies: None, sort: str) -> None:
        params = {"city": "nantong", "sort": sort}
        expected = by_pages(client, "/api/v1/policy/policies", params)
        assert len(expected) == 8
        assert walk(client, "/api/v1/policy/policies", params) == expected

    def test_bad_cursor_is_422(self, client: TestClient) -> None:
        for bad in ("not-a-cursor", "W1siZHQiLCJ4Il1d", "W10"):
            r = client.get("/api/v1/policy/policies", params={"cursor": bad})
            assert r.status_code == 422, r.text
            assert r.json()["code"] == "invalid_cursor"

    def test_page_api_unchanged(self, client: TestClient, policies: None) -> None:
        r = client.get("/api/v1/policy/policies", params={"city": "nantong", "page_size": 3})
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 8
        assert r.json()["next_cursor"] is None


class TestEventListCursor:
    @pytest.mark.parametrize("sort", ["newest", "deadline"])
    def test_walk_equals_page_order(self, client: TestClient, events: None, sort: str) -> None:
        params = {"city": "nantong", "sort": sort}
        expected = by_pages(client, "/api/v1/showcase/events", params)
        assert len(expected) == 7
        assert walk(client, "/api/v1/showcase/events", params, size=2) == expected


@pytest.fixture()
def demands(session: Session) -> None:
    now = utcnow()
    for k in range(9):
        f.demand(
            session,
            title=f"游标榜单{k}",
            city_code="nantong",
            status=["published", "closed", "awarded"][k % 3],
            published_at=now - timedelta(hours=k % 4),  # ties on published_at: id decides
            view_count=(k * 5) % 3,
            reward_wan_yuan=None if k % 4 == 0 else float(100 * (k % 3)),
            deadline=now + timedelta(days=(k % 5) - 1),  # some already past: "still open first" splits them
        )


class TestDemandListCursor:
    """The 揭榜挂帅 board scrolls like the others (its list took `cursor` and ignored it: the scroll ended after one
    screen)."""

    @pytest.mark.parametrize("sort", ["newest", "popular", "reward", "deadline"])
    def test_walk_equals_page_order(self, client: TestClient, demands: None, sort: str) -> None:
        params = {"city": "nantong", "sort": sort}
        expected = by_pages(client, "/api/v1/demands", params)
        assert len(expected) == 9
        assert walk(client, "/api/v1/demands", params, size=2) == expected

    def test_total_counts_up_to_the_cap(
        self, client: TestClient, demands: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from app.core import listing

        monkeypatch.setattr(listing, "COUNT_CAP", 4)
        r = client.get("/api/v1/demands", params={"city": "nantong", "page_size": 2})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["total"], body["total_exact"], body["has_more"]) == (4, False, True)
        r = client.get("/api/v1/demands", params={"city": "nantong", "page_size": 2, "page": 5})
        assert r.status_code == 200, r.text
        assert [len(r.json()["items"]), r.json()["has_more"]] == [1, False]
