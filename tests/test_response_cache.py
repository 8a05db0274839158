"""The response cache: anonymous public reads only, invalidated by every write (across processes through Redis),
ETag / 304. A tiny app stands in for the API so that each answer says how often the handler really ran."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import redis
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.cache import VERSION_KEY, ResponseCacheMiddleware
from app.core.views import COUNTED_VIEW, ViewCounter
from tests import factories as f

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def redis_available() -> bool:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5) as r:
            return bool(r.ping())
    except redis.RedisError:
        return False


class Backend:
    """The data behind the tiny app: shared by several 'processes' like a database is."""

    def __init__(self) -> None:
        self.value = 1
        self.calls = 0


def tiny_app(backend: Backend, **cache: Any) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/policy/policies")
    def items(request: Request) -> dict[str, Any]:
        backend.calls += 1
        who = request.headers.get("authorization", "anonymous")
        return {"value": backend.value, "who": who}

    @app.get("/api/v1/tech/private")
    def private(response: Response) -> dict[str, Any]:
        backend.calls += 1
        response.headers["cache-control"] = "private"
        return {"value": backend.value}

    @app.get("/api/v1/me/things")
    def mine() -> dict[str, Any]:
        backend.calls += 1
        return {"value": backend.value}

    @app.post("/api/v1/policy/policies")
    def write() -> dict[str, Any]:
        backend.value += 1
        return {"value": backend.value}

    @app.post("/api/v1/policy/refused")
    def refused() -> Response:
        backend.value += 100  # a handler that fails after changing nothing visible: must not bump
        backend.value -= 100
        return Response(status_code=422)

    app.add_middleware(ResponseCacheMiddleware, **cache)
    return app


class TestAnonymousReads:
    def test_second_read_is_a_hit_with_the_same_body(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b))
        r1 = c.get("/api/v1/policy/policies?city=putuo")
        r2 = c.get("/api/v1/policy/policies?city=putuo")
        assert r1.status_code == 200, r1.text
        assert r2.status_code == 200, r2.text
        assert (r1.headers["x-cache"], r2.headers["x-cache"]) == ("miss", "hit")
        assert r1.json() == r2.json()
        assert b.calls == 1
        assert c.get("/api/v1/policy/policies?city=wuxi").headers["x-cache"] == "miss"
        assert b.calls == 2

    def test_requests_with_credentials_bypass_the_cache(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b))
        c.get("/api/v1/policy/policies")
        for header in ({"Authorization": "Bearer mbr_x"}, {"Cookie": "s=1"}, {"X-Api-Key": "k"}):
            r = c.get("/api/v1/policy/policies", headers=header)
            assert r.status_code == 200, r.text
            assert "x-cache" not in r.headers
        assert b.calls == 4
        # And what a member saw is never served to a visitor.
        r = c.get("/api/v1/policy/policies")
        assert r.json()["who"] == "anonymous"

    def test_private_answers_and_other_paths_are_not_kept(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b))
        for _ in range(2):
            assert c.get("/api/v1/tech/private").status_code == 200
            assert c.get("/api/v1/me/things").status_code == 200
        assert b.calls == 4

    def test_disabled(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b, enabled=False))
        c.get("/api/v1/policy/policies")
        r = c.get("/api/v1/policy/policies")
        assert "x-cache" not in r.headers
        assert b.calls == 2


class TestWritesInvalidate:
    def test_a_write_is_seen_at_once_by_the_same_process(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b, ttl=3600, local_ttl=3600))
        assert c.get("/api/v1/policy/policies").json()["value"] == 1
        r = c.post("/api/v1/policy/policies")
        assert r.status_code == 200, r.text
        r = c.get("/api/v1/policy/policies")
        assert r.headers["x-cache"] == "miss"
        assert r.json()["value"] == 2

    def test_a_refused_write_does_not_invalidate(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b, ttl=3600, local_ttl=3600))
        c.get("/api/v1/policy/policies")
        assert c.post("/api/v1/policy/refused").status_code == 422
        assert c.get("/api/v1/policy/policies").headers["x-cache"] == "hit"

    def test_without_redis_other_processes_keep_an_entry_no_longer_than_the_local_ttl(self) -> None:
        b = Backend()
        a = TestClient(tiny_app(b, local_ttl=0))
        other = TestClient(tiny_app(b, local_ttl=3600))
        a.get("/api/v1/policy/policies")
        other.get("/api/v1/policy/policies")
        a.post("/api/v1/policy/policies")
        # local_ttl 0: every read is fresh; the default of 1 s bounds staleness on other processes the same way.
        assert a.get("/api/v1/policy/policies").json()["value"] == 2
        assert other.get("/api/v1/policy/policies").json()["value"] == 1  # no Redis, long local TTL: stale

    @pytest.mark.skipif(not redis_available(), reason="Redis is not reachable")
    def test_with_redis_a_write_on_one_process_invalidates_the_others(self) -> None:
        with redis.Redis.from_url(REDIS_URL) as r:
            r.delete(VERSION_KEY)
        b = Backend()
        # check_interval 0: each read re-reads the shared version (the default 0.25 s keeps it under 1 s).
        with (
            TestClient(tiny_app(b, redis_url=REDIS_URL, ttl=3600, check_interval=0)) as one,
            TestClient(tiny_app(b, redis_url=REDIS_URL, ttl=3600, check_interval=0)) as two,
        ):
            self._across(one, two)

    def _across(self, one: TestClient, two: TestClient) -> None:
        assert two.get("/api/v1/policy/policies").json()["value"] == 1
        assert two.get("/api/v1/policy/policies").headers["x-cache"] == "hit"
        assert one.post("/api/v1/policy/policies").status_code == 200
        r2 = two.get("/api/v1/policy/policies")
        assert r2.headers["x-cache"] == "miss"
        assert r2.json()["value"] == 2
        with redis.Redis.from_url(REDIS_URL) as r:
            assert int(r.get(VERSION_KEY) or 0) >= 1

    def test_an_unreachable_redis_falls_back_to_local_mode(self) -> None:
        b = Backend()
        with TestClient(tiny_app(b, redis_url="redis://127.0.0.1:1/0", check_interval=0, local_ttl=3600)) as c:
            self._local(c)

    def _local(self, c: TestClient) -> None:
        assert c.get("/api/v1/policy/policies").status_code == 200
        assert c.post("/api/v1/policy/policies").status_code == 200
        r = c.get("/api/v1/policy/policies")
        assert r.status_code == 200, r.text
        assert r.json()["value"] == 2


class TestEtag:
    def test_if_none_match_gives_304_until_the_content_changes(self) -> None:
        b = Backend()
        c = TestClient(tiny_app(b))
        r = c.get("/api/v1/policy/policies")
        etag = r.headers["etag"]
        r = c.get("/api/v1/policy/policies", headers={"If-None-Match": etag})
        assert r.status_code == 304, r.text
        assert r.content == b""
        c.post("/api/v1/policy/policies")
        r = c.get("/api/v1/policy/policies", headers={"If-None-Match": etag})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] != etag


class TestRealApi:
    def test_board_list_is_cached_for_visitors_and_member_reads_bypass(
        self, app: FastAPI, session: Session, settings: Any
    ) -> None:
        from app.main import create_app

        cached = create_app(settings.model_copy(update={"response_cache": True}))
        cached.dependency_overrides = app.dependency_overrides
        f.policy(session, title=f"缓存测试政策{uuid.uuid4().hex[:6]}")
        c = TestClient(cached)
        r1 = c.get("/api/v1/policy/policies")
        r2 = c.get("/api/v1/policy/policies")
        assert r1.status_code == 200, r1.text
        assert r2.headers["x-cache"] == "hit"
        assert r1.json() == r2.json()
        assert c.get("/api/v1/policy/policies", headers={"Authorization": "Bearer x"}).headers.get("x-cache") is None


class TestDetails:
    """A detail is kept with the view it counts; every answer from the cache counts that view again."""

    def _cached(self, app: FastAPI, settings: Any) -> tuple[FastAPI, TestClient]:
        from app.main import create_app

        cached = create_app(settings.model_copy(update={"response_cache": True}))
        cached.dependency_overrides = app.dependency_overrides
        return cached, TestClient(cached)

    def test_hits_count_views(self, app: FastAPI, session: Session, settings: Any) -> None:
        from app.boards.policy.models import Policy

        cached, c = self._cached(app, settings)
        p = f.policy(session, view_count=5)
        first = c.get(f"/api/v1/policy/policies/{p.id}")
        assert first.status_code == 200, first.text
        assert first.headers["x-cache"] == "miss" and first.json()["view_count"] == 6
        for _ in range(3):
            r = c.get(f"/api/v1/policy/policies/{p.id}")
            assert r.headers["x-cache"] == "hit"
            assert r.json() == first.json()
        assert cached.state.views.flush(session) == 4
        session.expire_all()
        assert session.get(Policy, p.id).view_count == 9  # type: ignore[union-attr]

    def test_hidden_unknown_and_member_reads_are_not_kept(self, app: FastAPI, session: Session, settings: Any) -> None:
        _, c = self._cached(app, settings)
        hidden = f.policy(session, publication="draft")
        for path in (f"/api/v1/policy/policies/{hidden.id}", "/api/v1/policy/policies/999999"):
            assert c.get(path).status_code == 404
            assert c.get(path).headers.get("x-cache") is None
        p = f.policy(session)
        r = c.get(f"/api/v1/policy/policies/{p.id}", headers={"Authorization": "Bearer x"})
        assert r.headers.get("x-cache") is None

    def test_a_write_ends_the_kept_detail(self) -> None:
        backend = Backend()
        views = ViewCounter()
        tiny = tiny_app(backend, views=views)

        @tiny.get("/api/v1/policy/policies/{n}")
        def detail(n: int, request: Request) -> dict[str, Any]:
            backend.calls += 1
            setattr(request.state, COUNTED_VIEW, ("policy", n))
            return {"n": n, "value": backend.value}

        c = TestClient(tiny)
        assert [c.get("/api/v1/policy/policies/4").headers["x-cache"] for _ in range(3)] == ["miss", "hit", "hit"]
        assert (backend.calls, views.pending()) == (1, 2)  # the endpoint counts its own read; the hits, 2
        c.post("/api/v1/policy/policies")
        r = c.get("/api/v1/policy/policies/4")
        assert r.headers["x-cache"] == "miss" and r.json()["value"] == 2

    def test_details_that_count_no_view_are_never_kept(self, app: FastAPI, settings: Any) -> None:
        # A detail path whose endpoint counts no view through app.core.views is answered by the endpoint every time.
        backend = Backend()
        tiny = tiny_app(backend, views=ViewCounter())

        @tiny.get("/api/v1/showcase/things/{n}")
        def thing(n: int) -> dict[str, Any]:
            backend.calls += 1
            return {"n": n}

        c = TestClient(tiny)
        for _ in range(2):
            assert c.get("/api/v1/showcase/things/3").headers.get("x-cache") is None
        assert backend.calls == 2
