from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import Publication, Verification
from tests import factories
from tests.contracts import assert_error_shape


class TestCityList:
    def test_eight_cities_with_jump_targets(self, client: TestClient) -> None:
        r = client.get("/api/v1/cities")
        assert r.status_code == 200, r.text
        cities = r.json()
        assert [c["code"] for c in cities] == [
            "putuo",
            "nanjing",
            "wuxi",
            "changzhou",
            "suzhou",
            "nantong",
            "zhenjiang",
            "taizhou",
        ]
        for c in cities:
            assert c["jump"]["type"] in {"miniprogram", "webview", "copy"}
            if c["jump"]["type"] == "miniprogram":
                assert c["jump"]["app_id"] and c["jump"]["path"]
            else:
                assert c["jump"]["url"].startswith("https://")
            assert 30 < c["center_lat"] < 33 and 118 < c["center_lng"] < 122


class TestCityGet:
    def test_known(self, client: TestClient) -> None:
        r = client.get("/api/v1/cities/taizhou")
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "泰州市"

    def test_unknown_city_is_422(self, client: TestClient) -> None:
        assert_error_shape(client.get("/api/v1/cities/beijing"), 422, "validation_error")


class TestPolicyList:
    def test_only_public_records(self, client: TestClient, session: Session) -> None:
        shown = factories.policy(session, title="公开的政策")
        factories.policy(session, title="待核验", verification=Verification.pending)
        factories.policy(session, title="草稿", publication=Publication.draft)
        r = client.get("/api/v1/policy/policies", params={"page_size": 50})
        assert r.status_code == 200, r.text
        titles = {p["title"] for p in r.json()["items"]}
        assert "公开的政策" in titles and "待核验" not in titles and "草稿" not in titles
        assert r.json()["total"] == len(r.json()["items"])
        assert any(p["id"] == shown.id for p in r.json()["items"])

    def test_filters_and_status(self, client: TestClient, session: Session) -> None:
        factories.policy(session, title="南京有效", city_code="nanjing", category="tax")
        factories.policy(
            session,
            title="南京失效",
            city_code="nanjing",
            category="tax",
            valid_to=date.today() - timedelta(days=1),
        )
        factories.policy(session, title="无锡有效", city_code="wuxi", category="tax")
        r = client.get("/api/v1/policy/policies", params={"city": "nanjing", "category": "tax"})
        assert {p["title"] for p in r.json()["items"]} == {"南京有效", "南京失效"}
        r = client.get("/api/v1/policy/policies", params={"city": "nanjing", "status": "expired"})
        assert [p["title"] for p in r.json()["items"]] == ["南京失效"]
        assert r.json()["items"][0]["status"] == "expired"

    def test_sort_deadline_puts_soonest_first(self, client: TestClient, session: Session) -> None:
        today = date.today()
        factories.policy(session, title="晚", city_code="zhenjiang", apply_deadline=today + timedelta(days=30))
        factories.policy(session, title="无", city_code="zhenjiang", apply_deadline=None)
        factories.policy(session, title="早", city_code="zhenjiang", apply_deadline=today + timedelta(days=3))
        r = client.get("/api/v1/policy/policies", params={"city": "zhenjiang", "sort": "deadline"})
        assert [p["title"] for p in r.json()["items"]] == ["早", "晚", "无"]

    def test_paging(self, client: TestClient, session: Session) -> None:
        for i in range(5):
            factories.policy(session, title=f"常州政策{i}", city_code="changzhou")
        r = client.get("/api/v1/policy/policies", params={"city": "changzhou", "page_size": 2, "page": 3})
        body = r.json()
        assert r.status_code == 200, r.text
        assert body["total"] == 5 and len(body["items"]) == 1 and body["has_more"] is False
        assert_error_shape(
            client.get("/api/v1/policy/policies", params={"city": "changzhou", "page_size": 2, "page": 4}),
            404,
            "page_out_of_range",
        )

    def test_bad_input_is_422(self, client: TestClient) -> None:
        for params in (
            {"page_size": 51},
            {"page_size": 0},
            {"page": "abc"},
            {"city": "shanghai"},
            {"category": "nonsense"},
            {"sort": "random"},
            {"unknown": "x"},
        ):
            assert_error_shape(client.get("/api/v1/policy/policies", params=params), 422, "validation_error")


class TestPolicyGet:
    def test_detail_and_view_count(self, client: TestClient, session: Session) -> None:
        p = factories.policy(session, title="详情政策", full_text="全文内容")
        r = client.get(f"/api/v1/policy/policies/{p.id}")
        assert r.status_code == 200, r.text
        assert r.json()["full_text"] == "全文内容"
        r = client.get(f"/api/v1/policy/policies/{p.id}")
        assert r.json()["view_count"] == 2

    def test_hidden_and_bad_ids(self, client: TestClient, session: Session) -> None:
        hidden = factories.policy(session, verification=Verification.pending)
        assert_error_shape(client.get(f"/api/v1/policy/policies/{hidden.id}"), 404, "not_found")
        assert_error_shape(client.get("/api/v1/policy/policies/999999"), 404, "not_found")
        assert_error_shape(client.get("/api/v1/policy/policies/abc"), 422)
        assert_error_shape(client.get("/api/v1/policy/policies/0"), 422)
        assert_error_shape(client.get("/api/v1/policy/policies/99999999999999999999"), 422)


class TestHomeGet:
    def test_counts_per_city(self, client: TestClient, session: Session) -> None:
        factories.policy(session, city_code="nantong", title="南通首页政策")
        r = client.get("/api/v1/home", params={"city": "nantong"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert [b["board"] for b in body["boards"]] == [
            "policy",
            "resources",
            "tech",
            "finance",
            "talent",
            "showcase",
        ]
        policy_count = next(b["count"] for b in body["boards"] if b["board"] == "policy")
        assert policy_count >= 1
        assert any(i["title"] == "南通首页政策" for i in body["latest_policies"])
        assert all(i["city_code"] == "nantong" for i in body["latest_policies"])

    def test_counts_stop_at_the_cap(
        self, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import app.home.service

        for n in range(3):
            factories.policy(session, city_code="taizhou", title=f"泰州首页政策{n}")
        monkeypatch.setattr(app.home.service, "COUNT_CAP", 2)
        boards = {b["board"]: b for b in client.get("/api/v1/home", params={"city": "taizhou"}).json()["boards"]}
        assert (boards["policy"]["count"], boards["policy"]["count_exact"]) == (2, False)
        monkeypatch.setattr(app.home.service, "COUNT_CAP", 10_000)
        boards = {b["board"]: b for b in client.get("/api/v1/home", params={"city": "taizhou"}).json()["boards"]}
        assert boards["policy"]["count"] >= 3 and boards["policy"]["count_exact"] is True


class TestErrorShape:
    def test_unknown_route_404(self, client: TestClient) -> None:
        assert_error_shape(client.get("/api/v1/nowhere"), 404, "not_found")

    def test_wrong_method_405(self, client: TestClient) -> None:
        assert_error_shape(client.delete("/api/v1/cities"), 405, "method_not_allowed")

    def test_body_too_large_413(self, client: TestClient) -> None:
        r = client.post("/api/v1/cities", content=b"x" * (1024 * 1024 + 1))
        assert_error_shape(r, 413, "payload_too_large")

    def test_unexpected_error_is_500_without_traceback(self, app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
        @app.get("/boom")
        def boom() -> None:
            raise RuntimeError("SELECT secret FROM table")

        body = assert_error_shape(client.get("/boom"), 500, "internal_error")
        assert "SELECT" not in str(body) and "Traceback" not in str(body)


class TestHealth:
    def test_alive_and_ready(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ok"}


class TestMaskPhone:
    def test_mobile_and_landlines(self) -> None:
        from app.core.schemas import mask_phone

        assert mask_phone("13812345678") == "138****5678"
        assert mask_phone("+8613812345678") == "138****5678"
        assert mask_phone("021-62233333") == "021****3333"
        assert mask_phone("0512-68881234") == "0512****1234"
        assert mask_phone("62233333") == "****3333"
        assert mask_phone("") == ""
