"""The WeChat gateway against the fake WeChat over real loopback HTTP: every answer and every failure mode."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from app.core.errors import AppError
from app.members.models import Member
from app.moderation.service import RiskyContent, Suggest, check_member_texts
from app.wechat.errors import (
    SubscribeRefused,
    TemplateDataInvalid,
    WeChatCodeInvalid,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserBlocked,
)
from app.wechat.fake import FAKE_APP_ID, FAKE_APP_SECRET, FakeState, FakeWeChatServer
from app.wechat.gateway import SEC_CHECK_MAX_CHARS, WeChatGateway
from app.wechat.moderation import wechat_checker
from app.wechat.token import MemoryTokenStore, RedisTokenStore, TokenStore
from tests.conftest import FAKE_WECHAT_READ_TIMEOUT


def make_gateway(server: FakeWeChatServer, store: TokenStore | None = None, **kw: object) -> WeChatGateway:
    return WeChatGateway(
        base_url=server.base_url,
        app_id=kw.pop("app_id", FAKE_APP_ID),  # type: ignore[arg-type]
        app_secret=kw.pop("app_secret", FAKE_APP_SECRET),  # type: ignore[arg-type]
        token_store=store or MemoryTokenStore(),
        read_timeout=FAKE_WECHAT_READ_TIMEOUT,
    )


@pytest.fixture()
def server(fake_wechat_server: FakeWeChatServer) -> FakeWeChatServer:
    fake_wechat_server.state.reset()
    return fake_wechat_server


@pytest.fixture()
def state(server: FakeWeChatServer) -> FakeState:
    return server.state


@pytest.fixture()
def gw(server: FakeWeChatServer) -> Iterator[WeChatGateway]:
    g = make_gateway(server)
    yield g
    g.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


class TestCode2Session:
    def test_code_gives_openid_unionid_and_session_key(self, gw: WeChatGateway) -> None:
        wx = gw.code2session("alice:1")
        assert wx.openid == "ofake_alice" and wx.unionid == "ufake_alice" and wx.session_key

    @pytest.mark.parametrize(
        ("code", "error", "status"),
        [
            ("invalid-code", WeChatCodeInvalid, 401),
            ("ratelimit-1", WeChatRateLimited, 429),
            ("busy-1", WeChatUnavailable, 503),
            ("blocked-1", WeChatUserBlocked, 403),
        ],
    )
    def test_errcodes_mapped(self, gw: WeChatGateway, code: str, error: type[AppError], status: int) -> None:
        with pytest.raises(error) as exc:
            gw.code2session(code)
        assert exc.value.status_code == status
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)

    def test_code_used_twice_refused(self, gw: WeChatGateway) -> None:
        gw.code2session("bob:1")
        with pytest.raises(WeChatCodeInvalid) as exc:
            gw.code2session("bob:1")
        assert exc.value.detail == {"errcode": 40163}

    def test_system_busy_is_not_retried(self, gw: WeChatGateway, state: FakeState) -> None:
        state.queue("jscode2session", errcode=-1)
        with pytest.raises(WeChatUnavailable):
            gw.code2session("carol:1")
        assert state.calls["jscode2session"] == 1
        assert "carol:1" not in state.used_codes

    def test_slow_answer_times_out_once(self, gw: WeChatGateway, state: FakeState) -> None:
        with pytest.raises(WeChatUnavailable) as exc:
            gw.code2session("slow-1")
        assert exc.value.detail == {"reason": "timeout"}
        assert state.calls["jscode2session"] == 1

    def test_http_error_status(self, gw: WeChatGateway, state: FakeState) -> None:
        state.queue("jscode2session", status=502)
        with pytest.raises(WeChatUnavailable) as exc:
            gw.code2session("dave:1")
        assert exc.value.detail == {"reason": "http_status", "status": 502}

    def test_wechat_down(self) -> None:
        g = WeChatGateway(
            base_url=f"http://127.0.0.1:{closed_port()}",
            app_id=FAKE_APP_ID,
            app_secret=FAKE_APP_SECRET,
            token_store=MemoryTokenStore(),
        )
        with pytest.raises(WeChatUnavailable) as exc:
            g.code2session("erin:1")
        g.close()
        assert exc.value.detail == {"reason": "unreachable"}

    def test_wrong_secret(self, server: FakeWeChatServer) -> None:
        g = make_gateway(server, app_secret="wrong-secret")
        with pytest.raises(WeChatUnavailable) as exc:
            g.code2session("frank:1")
        g.close()
        assert exc.value.detail == {"errcode": 40125}


class TestAccessToken:
    def test_fetched_once_for_many_calls(self, gw: WeChatGateway, state: FakeState) -> None:
        for _ in range(3):
            assert gw.msg_sec_check("ofake_a", "你好") == "pass"
        assert state.token_fetches == 1

    def test_concurrent_first_calls_fetch_once(self, gw: WeChatGateway, state: FakeState) -> None:
        results: list[str] = []
        threads = [threading.Thread(target=lambda: results.append(gw.access_token())) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(results)) == 1 and len(results) == 8
        assert state.token_fetches == 1

    def test_invalid_token_refreshed_and_call_repeated_once(self, gw: WeChatGateway, state: FakeState) -> None:
        first = gw.access_token()
        state.expire_tokens()
        assert gw.msg_sec_check("ofake_a", "你好") == "pass"
        assert state.token_fetches == 2
        assert gw.access_token() != first

    def test_persistent_40001_gives_up_after_one_retry(self, gw: WeChatGateway, state: FakeState) -> None:
        state.queue("msg_sec_check", errcode=40001)
        state.queue("msg_sec_check", errcode=40001)
        with pytest.raises(WeChatUnavailable):
            gw.msg_sec_check("ofake_a", "你好")
        assert state.calls["msg_sec_check"] == 2

    @pytest.mark.parametrize("kw", [{"errcode": -1}, {"errcode": 45009}, {"status": 500}])
    def test_token_endpoint_failure(self, gw: WeChatGateway, state: FakeState, kw: dict[str, Any]) -> None:
        state.queue("stable_token", **kw)
        with pytest.raises(WeChatUnavailable):
            gw.access_token()
        assert gw.access_token()  # the next call fetches again

    def test_token_endpoint_slow(self, gw: WeChatGateway, state: FakeState) -> None:
        state.queue("stable_token", delay=FAKE_WECHAT_READ_TIMEOUT + 1.0)
        with pytest.raises(WeChatUnavailable):
            gw.access_token()


class TestMsgSecCheck:
    @pytest.mark.parametrize(
        ("text", "verdict"),
        [("寻求固态电池合作", "pass"), ("这段待审文字", "review"), ("含违禁内容", "risky"), ("赌博", "risky")],
    )
    def test_suggest_read_from_result(self, gw: WeChatGateway, state: FakeState, text: str, verdict: str) -> None:
        assert gw.msg_sec_check("ofake_a", text) == verdict
        assert state.sec_checks[-1] == {"openid": "ofake_a", "content": text, "scene": 3}

    def test_long_text_checked_in_pieces(self, gw: WeChatGateway, state: FakeState) -> None:
        text = "甲" * SEC_CHECK_MAX_CHARS + "待审"
        assert gw.msg_sec_check("ofake_a", text) == "review"
        assert [len(c["content"]) for c in state.sec_checks] == [SEC_CHECK_MAX_CHARS, 2]

    def test_busy_and_slow_are_unavailable(self, gw: WeChatGateway) -> None:
        with pytest.raises(WeChatUnavailable):
            gw.msg_sec_check("ofake_a", "系统繁忙")
        with pytest.raises(WeChatUnavailable):
            gw.msg_sec_check("ofake_a", "慢速")

    def test_unknown_openid_is_unavailable(self, gw: WeChatGateway) -> None:
        with pytest.raises(WeChatUnavailable) as exc:
            gw.msg_sec_check("not-an-openid", "你好")
        assert exc.value.detail == {"errcode": 40003}


class TestContentCheckFailsClosed:
    """app/moderation's default checker is msgSecCheck through the process's gateway (the `fake_wechat` fixture)."""

    def test_verdicts(self, fake_wechat: str) -> None:
        assert wechat_checker("ofake_a", "你好") is Suggest.pass_
        assert wechat_checker("ofake_a", "待审") is Suggest.review
        assert wechat_checker("ofake_a", "违禁") is Suggest.risky

    @pytest.mark.parametrize("text", ["系统繁忙", "慢速"])
    def test_wechat_busy_or_slow_holds_for_review(self, fake_wechat: str, text: str) -> None:
        assert wechat_checker("ofake_a", text) is Suggest.review

    def test_wechat_down_holds_for_review(self) -> None:
        # Without the fixture the gateway points at a closed port.
        assert wechat_checker("ofake_a", "你好") is Suggest.review

    def test_member_texts(self, fake_wechat: str) -> None:
        member = Member(openid="ofake_a")
        assert check_member_texts(member, "寻求合作", "") is Suggest.pass_
        assert check_member_texts(member, "寻求合作", "待审") is Suggest.review
        with pytest.raises(RiskyContent):
            check_member_texts(member, "寻求合作", "违禁")


class TestSubscribeSend:
    DATA: ClassVar[dict[str, str]] = {"thing1": "您的榜单已通过审核", "time2": "2026-11-23 10:00", "phrase3": "已通过"}

    def test_sent(self, gw: WeChatGateway, state: FakeState) -> None:
        gw.send_subscribe_message("ofake_a", "TPL1", self.DATA, page="pages/my/index")
        assert state.sent[-1]["touser"] == "ofake_a"
        assert state.sent[-1]["data"]["thing1"] == {"value": "您的榜单已通过审核"}
        assert state.sent[-1]["page"] == "pages/my/index"

    def test_refused(self, gw: WeChatGateway, state: FakeState) -> None:
        with pytest.raises(SubscribeRefused):
            gw.send_subscribe_message("ofake_refuse-bob", "TPL1", self.DATA)
        assert state.sent == []

    @pytest.mark.parametrize(
        "bad", [{"thing1": "超" * 21}, {"phrase3": "六个字的词语"}, {"time2": "明天"}, {"name4": "一" * 11}]
    )
    def test_template_rule_broken(self, gw: WeChatGateway, state: FakeState, bad: dict[str, str]) -> None:
        with pytest.raises(TemplateDataInvalid) as exc:
            gw.send_subscribe_message("ofake_a", "TPL1", {**self.DATA, **bad})
        assert exc.value.status_code == 422
        assert state.sent == []


class TestPhoneNumber:
    def test_number_by_code(self, gw: WeChatGateway) -> None:
        assert gw.phone_number("phone-13912345678") == "13912345678"

    def test_invalid_code(self, gw: WeChatGateway) -> None:
        with pytest.raises(WeChatCodeInvalid):
            gw.phone_number("invalid-1")


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@pytest.fixture()
def redis_client() -> Iterator[object]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    yield client
    client.close()


class TestRedisTokenStore:
    def test_processes_share_one_token(self, server: FakeWeChatServer, redis_client: object) -> None:
        app_id = f"wxtest{uuid.uuid4().hex[:10]}"
        server.state.app_id = app_id
        try:
            gateways = [make_gateway(server, RedisTokenStore(redis_client, app_id), app_id=app_id) for _ in range(4)]
            tokens: list[str] = []
            threads = [
                threading.Thread(target=lambda g=g: tokens.append(g.access_token())) for g in gateways for _ in range(3)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(tokens) == 12 and len(set(tokens)) == 1
            assert server.state.token_fetches == 1
            # 40001 on one process: it drops the shared token (only if it is still the one it used) and refetches.
            server.state.expire_tokens()
            assert gateways[0].msg_sec_check("ofake_a", "你好") == "pass"
            assert gateways[1].access_token() == gateways[0].access_token() != tokens[0]
            assert server.state.token_fetches == 2
        finally:
            for g in gateways:
                g.close()
            server.state.app_id = FAKE_APP_ID
            redis_client.delete(f"wechat:access_token:{app_id}")  # type: ignore[attr-defined]

    def test_redis_down_falls_back_to_process_copy(self, server: FakeWeChatServer) -> None:
        import redis

        client = redis.Redis.from_url(f"redis://127.0.0.1:{closed_port()}/0", socket_connect_timeout=0.5)
        g = make_gateway(server, RedisTokenStore(client, FAKE_APP_ID))
        assert g.access_token() == g.access_token()
        g.close()
        client.close()
        assert server.state.token_fetches == 1


# What a proxy, a captive portal or a half-broken WeChat answers instead of its JSON. Each is a 503 (never a 500).
GARBAGE = [
    pytest.param("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", id="html-page"),
    pytest.param('{"openid": "ofake_x", "session_k', "application/json", id="truncated-json"),
    pytest.param("<html>维护中</html>", "application/json", id="html-labelled-json"),
    pytest.param('["openid", "ofake_x"]', "application/json", id="json-array"),
    pytest.param('"ofake_x"', "application/json", id="json-string"),
    pytest.param("", "application/json", id="empty-body"),
    pytest.param(b"\xff\xfe\x00garbage", "application/octet-stream", id="binary"),
    pytest.param('{"openid": 42, "session_key": null}', "application/json", id="wrong-types"),
    pytest.param('{"errcode": "oops"}', "text/plain", id="errcode-not-a-number"),
]


def assert_unavailable(exc: AppError) -> None:
    assert isinstance(exc, WeChatUnavailable)
    assert exc.status_code == 503 and exc.code == "wechat_unavailable"
    assert exc.message == "微信服务暂时不可用，请稍后再试"


class TestGarbageAnswers:
    @pytest.mark.parametrize(("body", "content_type"), GARBAGE)
    def test_code2session(self, gw: WeChatGateway, state: FakeState, body: str | bytes, content_type: str) -> None:
        state.queue("jscode2session", body=body, content_type=content_type)
        with pytest.raises(AppError) as exc:
            gw.code2session("gina:1")
        assert_unavailable(exc.value)
        assert state.calls["jscode2session"] == 1  # a login code works once: never retried

    @pytest.mark.parametrize(("body", "content_type"), GARBAGE)
    def test_token_and_content_check(
        self, gw: WeChatGateway, state: FakeState, body: str | bytes, content_type: str
    ) -> None:
        state.queue("stable_token", body=body, content_type=content_type)
        with pytest.raises(AppError) as exc:
            gw.msg_sec_check("ofake_a", "你好")
        assert_unavailable(exc.value)
        state.queue("msg_sec_check", body=body, content_type=content_type)
        with pytest.raises(AppError) as exc:
            gw.msg_sec_check("ofake_a", "你好")
        assert_unavailable(exc.value)

    def test_html_error_status(self, gw: WeChatGateway, state: FakeState) -> None:
        state.queue("jscode2session", body="<html>504 Gateway Time-out</html>", content_type="text/html", status=504)
        with pytest.raises(WeChatUnavailable) as exc:
            gw.code2session("hank:1")
        assert exc.value.detail == {"reason": "http_status", "status": 504}

    def test_json_labelled_text_plain_is_still_read(self, gw: WeChatGateway, state: FakeState) -> None:
        # jscode2session really answers JSON as text/plain: the content type alone must not turn it away.
        state.queue(
            "jscode2session",
            body='{"openid": "ofake_ivy", "session_key": "k", "unionid": "ufake_ivy"}',
            content_type="text/plain",
        )
        assert gw.code2session("ivy:1").openid == "ofake_ivy"

    def test_garbage_counts_towards_the_breaker(self, server: FakeWeChatServer, state: FakeState) -> None:
        from app.wechat.breaker import Breaker

        g = WeChatGateway(
            base_url=server.base_url,
            app_id=FAKE_APP_ID,
            app_secret=FAKE_APP_SECRET,
            token_store=MemoryTokenStore(),
            breaker=Breaker(None),
            read_timeout=FAKE_WECHAT_READ_TIMEOUT,
        )
        try:
            for n in range(5):
                state.queue("jscode2session", body="<html></html>", content_type="text/html")
                with pytest.raises(WeChatUnavailable):
                    g.code2session(f"jack:{n}")
            with pytest.raises(WeChatUnavailable) as exc:
                g.code2session("jack:5")
            assert exc.value.detail == {"reason": "breaker_open"}
            assert state.calls["jscode2session"] == 5  # the sixth never reached WeChat
        finally:
            g.close()
