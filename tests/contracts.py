"""What every public board list and detail endpoint promises, written once and mixed into each endpoint's class.

A test class sets `url` and `make` (a builder of tests/factories.py) and adds the tests of its own filters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import Publication, Verification, utcnow


def assert_error_shape(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert set(body) == {"code", "message", "detail"}, body
    assert isinstance(body["message"], str) and body["message"]
    if code:
        assert body["code"] == code, body
    return body


def ids(r: Any) -> list[int]:
    assert r.status_code == 200, r.text
    return [item["id"] for item in r.json()["items"]]


class ListContract:
    url: ClassVar[str]
    make: ClassVar[Callable[..., Any]]
    # Query parameters of this list that take an enum: an unknown value must be a 422.
    enum_params: ClassVar[tuple[str, ...]] = ()
    # Sorts besides newest and popular (e.g. "deadline").
    extra_sorts: ClassVar[tuple[str, ...]] = ()

    def build(self, session: Session, **kw: Any) -> Any:
        return type(self).make(session, **kw)

    def test_only_public_records(self, client: TestClient, session: Session) -> None:
        shown = self.build(session)
        pending = self.build(session, verification=Verification.pending)
        rejected = self.build(session, verification=Verification.rejected)
        draft = self.build(session, publication=Publication.draft)
        withdrawn = self.build(session, publication=Publication.unpublished)
        r = client.get(self.url, params={"page_size": 50})
        assert ids(r) == [shown.id]
        assert r.json()["total"] == 1
        for hidden in (pending, rejected, draft, withdrawn):
            assert hidden.id not in ids(r)

    def test_summary_leaves_out_private_and_long_fields(self, client: TestClient, session: Session) -> None:
        self.build(session, source_id="BUREAU-1")
        item = client.get(self.url).json()["items"][0]
        for private in ("source_id", "publication", "verification", "reject_reason", "org_credit_code", "org_id"):
            assert private not in item
        for long_or_contact in ("description", "contact_phone", "full_text"):
            assert long_or_contact not in item

    def test_filters_by_city(self, client: TestClient, session: Session) -> None:
        nanjing = self.build(session, city_code="nanjing")
        wuxi = self.build(session, city_code="wuxi")
        assert ids(client.get(self.url, params={"city": "nanjing"})) == [nanjing.id]
        assert ids(client.get(self.url, params={"city": "wuxi"})) == [wuxi.id]

    def test_filters_by_industry(self, client: TestClient, session: Session) -> None:
        ic = self.build(session, industry_code="ic")
        self.build(session, industry_code="biomed")
        self.build(session, industry_code=None)
        assert ids(client.get(self.url, params={"industry": "ic"})) == [ic.id]

    def test_sort_newest_and_popular(self, client: TestClient, session: Session) -> None:
        now = utcnow()
        old = self.build(session, published_at=now - timedelta(days=3), view_count=50)
        new = self.build(session, published_at=now - timedelta(days=1), view_count=5)
        mid = self.build(session, published_at=now - timedelta(days=2), view_count=10)
        assert ids(client.get(self.url)) == [new.id, mid.id, old.id]
        assert ids(client.get(self.url, params={"sort": "newest"})) == [new.id, mid.id, old.id]
        assert ids(client.get(self.url, params={"sort": "popular"})) == [old.id, mid.id, new.id]

    def test_paging(self, client: TestClient, session: Session) -> None:
        now = utcnow()
        rows = [self.build(session, published_at=now - timedelta(hours=i)) for i in range(5)]
        r = client.get(self.url, params={"page_size": 2, "page": 1})
        assert ids(r) == [rows[0].id, rows[1].id]
        assert r.json()["total"] == 5 and r.json()["has_more"] is True
        r = client.get(self.url, params={"page_size": 2, "page": 3})
        assert ids(r) == [rows[4].id]
        assert r.json() | {"items": None} == {
            "items": None,
            "total": 5,
            "total_exact": True,
            "page": 3,
            "page_size": 2,
            "has_more": False,
            "next_cursor": None,
        }
        assert_error_shape(client.get(self.url, params={"page_size": 2, "page": 4}), 404, "page_out_of_range")

    def test_count_stops_at_the_cap(self, client: TestClient, session: Session, monkeypatch: Any) -> None:
        from app.core import listing

        monkeypatch.setattr(listing, "COUNT_CAP", 3)
        now = utcnow()
        rows = [self.build(session, published_at=now - timedelta(hours=i)) for i in range(5)]
        body = client.get(self.url, params={"page_size": 2}).json()
        assert (body["total"], body["total_exact"], body["has_more"]) == (3, False, True)
        r = client.get(self.url, params={"page_size": 2, "page": 3})  # beyond the count, within the rows
        assert ids(r) == [rows[4].id] and r.json()["has_more"] is False
        assert_error_shape(client.get(self.url, params={"page_size": 2, "page": 4}), 404, "page_out_of_range")

    def test_cursor_walk_equals_paging(self, client: TestClient, session: Session) -> None:
        now = utcnow()
        # Two rows share a publication time and a view count: the id decides, on both pages and cursors.
        for i in (0, 1, 1, 2, 3):
            self.build(session, published_at=now - timedelta(hours=i), view_count=i % 2)
        for sort in ("newest", "popular", *self.extra_sorts):
            expected = ids(client.get(self.url, params={"sort": sort, "page_size": 50}))
            walked: list[int] = []
            cursor = ""
            for _ in range(5):
                r = client.get(self.url, params={"sort": sort, "page_size": 2, "cursor": cursor})
                walked += ids(r)
                assert r.json()["total"] is None
                cursor = r.json()["next_cursor"]
                if not r.json()["has_more"]:
                    break
            assert walked == expected, sort
        assert_error_shape(client.get(self.url, params={"cursor": "x"}), 422, "invalid_cursor")

    def test_empty_first_page_is_not_an_error(self, client: TestClient) -> None:
        r = client.get(self.url, params={"city": "taizhou"})
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [] and r.json()["total"] == 0

    def test_bad_input_is_422(self, client: TestClient) -> None:
        cases: list[dict[str, Any]] = [
            {"page_size": 51},
            {"page_size": 0},
            {"page": 0},
            {"page": "abc"},
            {"city": "shanghai"},
            {"sort": "random"},
            {"unknown": "x"},
        ]
        cases += [{name: "nonsense"} for name in self.enum_params]
        for params in cases:
            body = assert_error_shape(client.get(self.url, params=params), 422, "validation_error")
            assert body["detail"] and body["detail"][0]["field"], body

    def test_sorts(self, client: TestClient) -> None:
        for sort in ("newest", "popular", *self.extra_sorts):
            assert client.get(self.url, params={"sort": sort}).status_code == 200, sort
        if "deadline" not in self.extra_sorts:
            assert_error_shape(client.get(self.url, params={"sort": "deadline"}), 422, "validation_error")

    def test_page_size_50_is_allowed(self, client: TestClient) -> None:
        r = client.get(self.url, params={"page_size": 50})
        assert r.status_code == 200, r.text


class DetailContract:
    url: ClassVar[str]
    make: ClassVar[Callable[..., Any]]
    has_phone: ClassVar[bool] = True

    def build(self, session: Session, **kw: Any) -> Any:
        return type(self).make(session, **kw)

    def test_detail_counts_views(self, client: TestClient, session: Session) -> None:
        row = self.build(session)
        r = client.get(f"{self.url}/{row.id}")
        assert r.status_code == 200, r.text
        assert r.json()["id"] == row.id and r.json()["view_count"] == 1
        r = client.get(f"{self.url}/{row.id}")
        assert r.status_code == 200, r.text
        assert r.json()["view_count"] == 2

    def test_leaves_out_private_fields(self, client: TestClient, session: Session) -> None:
        row = self.build(session, source_id="BUREAU-7")
        body = client.get(f"{self.url}/{row.id}").json()
        for private in ("source_id", "publication", "verification", "reject_reason", "org_credit_code", "org_id"):
            assert private not in body
        assert "BUREAU-7" not in str(body)

    def test_masked_phone(self, client: TestClient, session: Session) -> None:
        if not self.has_phone:
            return
        row = self.build(session, contact_phone="13812345678")
        r = client.get(f"{self.url}/{row.id}")
        assert r.status_code == 200, r.text
        assert r.json()["contact_phone"] == "138****5678"
        assert "13812345678" not in r.text

    def test_hidden_and_unknown_ids_are_404(self, client: TestClient, session: Session) -> None:
        hidden = [
            self.build(session, verification=Verification.pending),
            self.build(session, verification=Verification.rejected),
            self.build(session, publication=Publication.draft),
            self.build(session, publication=Publication.unpublished),
        ]
        for row in hidden:
            assert_error_shape(client.get(f"{self.url}/{row.id}"), 404, "not_found")
            session.refresh(row)
            assert row.view_count == 0
        assert_error_shape(client.get(f"{self.url}/999999"), 404, "not_found")

    def test_bad_ids_are_422(self, client: TestClient) -> None:
        for bad in ("abc", "0", "-1", "99999999999999999999"):
            assert_error_shape(client.get(f"{self.url}/{bad}"), 422, "validation_error")
