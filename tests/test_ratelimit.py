"""Rate limits: per IP, per token and per bureau key; 429 with Retry-After in the error shape; shared via Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core import redis as shared
from app.core.config import Settings
from app.core.ratelimit import RateLimiter


@pytest.fixture(autouse=True)
def frozen_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every count of a test falls in one window, however slow the machine."""
    monkeypatch.setattr("app.core.ratelimit._clock", lambda: 1_800_000_030.0)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture()
def redis_client() -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    yield client
    client.close()


def limited_client(app: FastAPI, settings: Settings, **limits: int) -> TestClient:
    from app.main import create_app

    limited = create_app(settings.model_copy(update=limits))
    limited.dependency_overrides = app.dependency_overrides
    return TestClient(limited, raise_server_exceptions=False)


class TestPerIp:
    def test_over_the_limit_is_429_with_retry_after(self, app: FastAPI, settings: Settings) -> None:
        with limited_client(app, settings, rate_limit_per_ip=5) as c:
            for _ in range(5):
                assert c.get("/api/v1/cities").status_code == 200
            r = c.get("/api/v1/cities")
        assert r.status_code == 429, r.text
        body = r.json()
        assert body["code"] == "rate_limited"
        assert "频繁" in body["message"]
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert body["detail"]["limit"] == "ip"

    def test_health_checks_are_never_limited(self, app: FastAPI, settings: Settings) -> None:
        with limited_client(app, settings, rate_limit_per_ip=1) as c:
            assert all(c.get("/healthz").status_code == 200 for _ in range(5))


class TestPerToken:
    def test_each_token_has_its_own_budget(self, app: FastAPI, settings: Settings) -> None:
        with limited_client(app, settings, rate_limit_per_token=3) as c:
            a = {"Authorization": "Bearer mbr_" + "a" * 43}
            b = {"Authorization": "Bearer mbr_" + "b" * 43}
            assert [c.get("/api/v1/cities", headers=a).status_code for _ in range(3)] == [200] * 3
            r = c.get("/api/v1/cities", headers=a)
            assert r.status_code == 429, r.text
            assert r.json()["detail"]["limit"] == "token"
            assert c.get("/api/v1/cities", headers=b).status_code == 200

    def test_bureau_keys_have_the_push_budget(self, app: FastAPI, settings: Settings) -> None:
        with limited_client(app, settings, rate_limit_per_push_key=2, rate_limit_per_token=100) as c:
            key = {"X-API-Key": "yhn_" + "k" * 40}
            codes = [c.post("/api/v1/push/policy", headers=key, json={}).status_code for _ in range(3)]
        assert codes[:2] != [429, 429]
        assert codes[2] == 429


class TestLimiter:
    def test_local_counting_without_redis(self) -> None:
        limiter = RateLimiter(None)
        assert [limiter.hit("k", 3, 60) for _ in range(3)] == [None] * 3
        assert limiter.hit("k", 3, 60) is not None
        assert limiter.hit("other", 3, 60) is None

    def test_zero_means_unlimited(self) -> None:
        limiter = RateLimiter(None)
        assert all(limiter.hit("k", 0, 60) is None for _ in range(1000))

    def test_processes_share_one_budget_through_redis(self, redis_client: Any) -> None:
        key = f"shared-{os.getpid()}-{id(self)}"
        one, two = RateLimiter(redis_client, sync_every=0), RateLimiter(redis_client, sync_every=0)
        answers = [(one if i % 2 else two).hit(key, 10, 60) for i in range(10)]
        assert answers == [None] * 10
        assert one.hit(key, 10, 60) is not None
        assert two.hit(key, 10, 60) is not None

    def test_redis_down_still_limits_and_does_not_wait(self) -> None:
        import redis

        dead = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
        limiter = RateLimiter(dead, sync_every=0)
        try:
            assert [limiter.hit("k", 2, 60) for _ in range(2)] == [None, None]
            assert shared.redis_down()
            assert limiter.hit("k", 2, 60) is not None
        finally:
            shared.mark_up()


class TestContentCheckQuota:
    def test_a_member_cannot_spend_more_than_the_daily_quota(self) -> None:
        from app.members.models import Member
        from app.moderation import service as moderation

        previous, previous_checker = moderation._quota, moderation._checker
        moderation.install_checker(lambda openid, text: moderation.Suggest.pass_)
        moderation.install_quota(RateLimiter(None), 3)
        try:
            someone = Member(id=424242, openid="quota-openid")
            assert moderation.check_member_texts(someone, "标题", "正文") is moderation.Suggest.pass_
            assert moderation.check_member_texts(someone, "", "只有一段") is moderation.Suggest.pass_
            with pytest.raises(moderation.ContentCheckQuota) as refused:
                moderation.check_member_texts(someone, "再来一段")
            assert refused.value.status_code == 429
            other = Member(id=424243, openid="quota-other")
            assert moderation.check_member_texts(other, "别人的额度") is moderation.Suggest.pass_
        finally:
            moderation.install_checker(previous_checker)
            moderation._quota = previous
