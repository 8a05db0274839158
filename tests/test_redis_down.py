"""Redis down: reads go on; logins and pushes fail closed with a clear 503; readiness says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core import redis as shared
from app.core.config import Settings, get_settings
from tests.test_wechat_gateway import closed_port


@pytest.fixture()
def down(app: FastAPI, settings: Settings) -> Iterator[TestClient]:
    from app.main import create_app

    dead = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{closed_port()}/0"})
    application = create_app(dead)
    application.dependency_overrides = {**app.dependency_overrides, get_settings: lambda: dead}
    with TestClient(application, raise_server_exceptions=False) as c:
        yield c
    shared.mark_up()


class TestRedisDown:
    def test_browsing_goes_on(self, down: TestClient) -> None:
        assert down.get("/api/v1/cities").status_code == 200
        assert down.get("/api/v1/home").status_code == 200

    def test_login_fails_closed(self, down: TestClient) -> None:
        r = down.post("/api/v1/auth/login", json={"code": "any-code"})
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "redis_unavailable"

    def test_push_fails_closed(self, down: TestClient) -> None:
        r = down.post(
            "/api/v1/push/policy", headers={"X-API-Key": "yhn_" + "k" * 46, "Idempotency-Key": "k-1"}, json={}
        )
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "redis_unavailable"

    def test_readiness_reports_it(self, down: TestClient) -> None:
        r = down.get("/readyz")
        assert r.status_code == 503, r.text
        assert r.json()["code"] == "redis_unavailable"
        assert down.get("/healthz").status_code == 200
