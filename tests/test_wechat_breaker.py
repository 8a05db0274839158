"""The WeChat circuit breaker: 5 consecutive transport failures open it for 30 s, shared through Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from app.core import redis as shared
from app.wechat.breaker import Breaker
from app.wechat.errors import WeChatCodeInvalid, WeChatUnavailable
from app.wechat.fake import FakeState, FakeWeChatServer
from app.wechat.gateway import WeChatGateway
from app.wechat.token import MemoryTokenStore
from tests.conftest import FAKE_WECHAT_READ_TIMEOUT
from tests.test_wechat_gateway import closed_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def gateway(base_url: str, breaker: Breaker) -> WeChatGateway:
    from app.wechat.fake import FAKE_APP_ID, FAKE_APP_SECRET

    return WeChatGateway(
        base_url=base_url,
        app_id=FAKE_APP_ID,
        app_secret=FAKE_APP_SECRET,
        token_store=MemoryTokenStore(),
        breaker=breaker,
        read_timeout=FAKE_WECHAT_READ_TIMEOUT,
    )


def reason(exc: pytest.ExceptionInfo[WeChatUnavailable]) -> Any:
    return (exc.value.detail or {}).get("reason")


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


class TestBreakerInProcess:
    def test_opens_after_five_failures_and_answers_at_once(self) -> None:
        g = gateway(f"http://127.0.0.1:{closed_port()}", Breaker(None))
        for _ in range(5):
            with pytest.raises(WeChatUnavailable) as exc:
                g.code2session("any-code")
            assert reason(exc) == "unreachable"
        with pytest.raises(WeChatUnavailable) as exc:
            g.code2session("any-code")
        assert reason(exc) == "breaker_open"
        g.close()

    def test_a_success_resets_the_count(self, fake_wechat_server: FakeWeChatServer) -> None:
        state: FakeState = fake_wechat_server.state
        state.reset()
        g = gateway(fake_wechat_server.base_url, Breaker(None))
        for round_ in range(3):
            for _ in range(4):
                state.queue("jscode2session", status=502)
                with pytest.raises(WeChatUnavailable):
                    g.code2session(f"code-{round_}")
            # A WeChat answer, even an error code, shows WeChat is there.
            with pytest.raises(WeChatCodeInvalid):
                g.code2session("invalid-code")
        g.close()

    def test_errcodes_are_not_failures(self, fake_wechat_server: FakeWeChatServer) -> None:
        fake_wechat_server.state.reset()
        g = gateway(fake_wechat_server.base_url, Breaker(None))
        for _ in range(7):
            with pytest.raises(WeChatCodeInvalid):
                g.code2session("invalid-code")
        g.close()


class TestBreakerShared:
    def test_failures_in_two_processes_open_it_for_both(self, redis_client: Any) -> None:
        name = f"test-{os.getpid()}-{id(self)}"
        one, two = Breaker(redis_client, name=name), Breaker(redis_client, name=name)
        try:
            for i in range(5):
                (one if i % 2 else two).failure()
            for b in (one, two):
                with pytest.raises(WeChatUnavailable):
                    b.check()
            third = Breaker(redis_client, name=name)
            with pytest.raises(WeChatUnavailable):
                third.check()
        finally:
            redis_client.delete(f"breaker:{name}:open", f"breaker:{name}:failures")

    def test_redis_down_keeps_a_local_breaker(self) -> None:
        import redis

        dead = redis.Redis.from_url(f"redis://127.0.0.1:{closed_port()}/0", socket_connect_timeout=0.2)
        b = Breaker(dead)
        try:
            for _ in range(5):
                b.failure()
            with pytest.raises(WeChatUnavailable):
                b.check()
        finally:
            shared.mark_up()


class TestTimeoutsBoundTheWait:
    def test_connect_plus_read_timeout_is_within_five_and_a_half_seconds(self) -> None:
        from app.core.config import Settings

        s = Settings()
        assert s.wechat_connect_timeout + s.wechat_read_timeout <= 5.5
