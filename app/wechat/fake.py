"""A fake WeChat server for development and tests: answers like api.weixin.qq.com, over real loopback HTTP.

Run alone: `python -m app.wechat.fake --port 8765` (then WECHAT_API_BASE_URL=http://127.0.0.1:8765).
`make run` starts one in a thread. Production settings refuse any base URL but WeChat's own.

Endpoints: GET /sns/jscode2session, POST /cgi-bin/stable_token, POST /wxa/msg_sec_check (v2),
POST /cgi-bin/message/subscribe/send, POST /wxa/business/getuserphonenumber.

Marked inputs (what a test or a developer types to get each answer):

| where | marked with | answer |
|---|---|---|
| login code | `invalid…` | errcode 40029 (invalid code) |
| login code | used a second time | errcode 40163 (code been used) |
| login code | `ratelimit…` | errcode 45011 (frequency limit) |
| login code | `busy…` | errcode -1 (system busy) |
| login code | `blocked…` | errcode 40226 (high-risk user) |
| login code | `slow…` | answers after `slow_seconds` (beyond the gateway's read timeout) |
| login code | anything else, e.g. `alice` or `alice:2` | openid `ofake_alice`, unionid `ufake_alice` (before `:`) |
| text (msgSecCheck) | 违禁 or 赌博 | `result.suggest = risky` |
| text | 待审 | `result.suggest = review` |
| text | 系统繁忙 | errcode -1 |
| text | 慢速 | answers after `slow_seconds` |
| subscribe send | openid containing `refuse` (login code `refuse…`) | errcode 43101 (no credit / refused) |
| subscribe send | a value breaking the template rules (thing > 20, phrase > 5, name > 10 characters) | errcode 47003 |
| phone code | `invalid…` | errcode 40029; `phone-13912345678` → that number, otherwise 13800138000 |
| any call | an access token not issued or expired (`expire_tokens()`) | errcode 40001 |

Tests can also queue an answer for the next call of an endpoint: `state.queue("msg_sec_check", errcode=-1)`,
`state.queue("stable_token", delay=5)`, `state.queue("jscode2session", status=502)`, or a raw answer such as a
proxy's HTML page or cut-off JSON: `state.queue("jscode2session", body="<html>…", content_type="text/html")`.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

FAKE_APP_ID = "wxfake0000000000"
FAKE_APP_SECRET = "changethis"
RISKY_WORDS = ("违禁", "赌博")
REVIEW_WORDS = ("待审",)
BUSY_WORD = "系统繁忙"
SLOW_WORD = "慢速"
TOKEN_LIFETIME = 7200
ENDPOINTS = ("jscode2session", "stable_token", "msg_sec_check", "subscribe_send", "phone")
_TEMPLATE_LIMITS = {"thing": 20, "phrase": 5, "name": 10, "character_string": 32, "number": 32, "letter": 32}
_TIME_VALUE = re.compile(r"^\d{4}[-年]\d{1,2}[-月]\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$")


@dataclass
class Queued:
    errcode: int | None = None
    delay: float | None = None
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None


@dataclass
class FakeState:
    app_id: str = FAKE_APP_ID
    app_secret: str = FAKE_APP_SECRET
    slow_seconds: float = 5.0
    used_codes: set[str] = field(default_factory=set)
    tokens: dict[str, float] = field(default_factory=dict)  # token → monotonic expiry
    stable_token: str | None = None
    token_fetches: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    sec_checks: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    queued: dict[str, list[Queued]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def queue(
        self,
        endpoint: str,
        *,
        errcode: int | None = None,
        delay: float | None = None,
        status: int | None = None,
        body: str | bytes | None = None,
        content_type: str | None = None,
    ) -> None:
        """The next call of `endpoint` answers with this errcode / after this delay / with this HTTP status / with
        this raw body (HTTP 200 unless `status` is given) and Content-Type."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {ENDPOINTS}")
        raw = body.encode() if isinstance(body, str) else body
        with self.lock:
            self.queued.setdefault(endpoint, []).append(Queued(errcode, delay, status, raw, content_type))

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (calls get 40001)."""
        with self.lock:
            self.tokens.clear()
            self.stable_token = None

    def reset(self) -> None:
        with self.lock:
            self.used_codes.clear()
            self.tokens.clear()
            self.stable_token = None
            self.token_fetches = 0
            self.calls.clear()
            self.sec_checks.clear()
            self.sent.clear()
            self.queued.clear()

    def _next(self, endpoint: str) -> Queued | None:
        with self.lock:
            self.calls[endpoint] = self.calls.get(endpoint, 0) + 1
            pending = self.queued.get(endpoint)
            return pending.pop(0) if pending else None

    def _token_ok(self, token: str | None) -> bool:
        with self.lock:
            return bool(token) and self.tokens.get(token or "", 0.0) > time.monotonic()


def _err(errcode: int, errmsg: str) -> JSONResponse:
    return JSONResponse({"errcode": errcode, "errmsg": errmsg})


async def _injected(state: FakeState, endpoint: str) -> Response | None:
    queued = state._next(endpoint)
    if queued is None:
        return None
    if queued.delay:
        await asyncio.sleep(queued.delay)
    if queued.body is not None:
        headers = {"content-type": queued.content_type} if queued.content_type else None
        return Response(queued.body, status_code=queued.status or 200, headers=headers)
    if queued.status:
        return Response("upstream error", status_code=queued.status)
    if queued.errcode is not None:
        return _err(queued.errcode, "injected")
    return None


def create_fake_app(state: FakeState) -> Starlette:
    async def jscode2session(request: Request) -> Response:
        if (r := await _injected(state, "jscode2session")) is not None:
            return r
        q = request.query_params
        if q.get("appid") != state.app_id:
            return _err(40013, "invalid appid")
        if q.get("secret") != state.app_secret:
            return _err(40125, "invalid appsecret")
        code = q.get("js_code") or ""
        if q.get("grant_type") != "authorization_code" or not code or code.startswith("invalid"):
            return _err(40029, "invalid code")
        with state.lock:
            if code in state.used_codes:
                return _err(40163, "code been used")
            state.used_codes.add(code)
        if code.startswith("ratelimit"):
            return _err(45011, "api minute-quota reach limit")
        if code.startswith("busy"):
            return _err(-1, "system error")
        if code.startswith("blocked"):
            return _err(40226, "invalid login, high risk user")
        if code.startswith("slow"):
            await asyncio.sleep(state.slow_seconds)
        identity = code.split(":", 1)[0]
        return JSONResponse(
            {
                "openid": f"ofake_{identity}",
                "unionid": f"ufake_{identity}",
                "session_key": secrets.token_urlsafe(16),
            }
        )

    async def stable_token(request: Request) -> Response:
        if (r := await _injected(state, "stable_token")) is not None:
            return r
        body = await _json(request)
        if body.get("grant_type") != "client_credential":
            return _err(40002, "invalid grant_type")
        if body.get("appid") != state.app_id:
            return _err(40013, "invalid appid")
        if body.get("secret") != state.app_secret:
            return _err(40125, "invalid appsecret")
        now = time.monotonic()
        with state.lock:
            state.token_fetches += 1
            current = state.stable_token
            if body.get("force_refresh") or not current or state.tokens.get(current, 0.0) <= now:
                current = state.stable_token = "ACCESS_" + secrets.token_urlsafe(24)
                state.tokens[current] = now + TOKEN_LIFETIME
            remaining = int(state.tokens[current] - now)
        return JSONResponse({"access_token": current, "expires_in": remaining})

    async def msg_sec_check(request: Request) -> Response:
        if (r := await _injected(state, "msg_sec_check")) is not None:
            return r
        if not state._token_ok(request.query_params.get("access_token")):
            return _err(40001, "invalid credential, access_token is invalid or not latest")
        body = await _json(request)
        content, openid = body.get("content"), body.get("openid")
        if body.get("version") != 2 or body.get("scene") not in (1, 2, 3, 4) or not isinstance(content, str):
            return _err(40003 if not openid else 47001, "data format error")
        if not isinstance(openid, str) or not openid.startswith("ofake_"):
            return _err(40003, "invalid openid")
        if len(content) > 2500:
            return _err(87014, "content too long")
        with state.lock:
            state.sec_checks.append({"openid": openid, "content": content, "scene": body.get("scene")})
        if BUSY_WORD in content:
            return _err(-1, "system error")
        if SLOW_WORD in content:
            await asyncio.sleep(state.slow_seconds)
        suggest, label = "pass", 100
        if any(w in content for w in RISKY_WORDS):
            suggest, label = "risky", 20001
        elif any(w in content for w in REVIEW_WORDS):
            suggest, label = "review", 21000
        return JSONResponse(
            {
                "errcode": 0,
                "errmsg": "ok",
                "result": {"suggest": suggest, "label": label},
                "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label}],
                "trace_id": secrets.token_hex(8),
            }
        )

    async def subscribe_send(request: Request) -> Response:
        if (r := await _injected(state, "subscribe_send")) is not None:
            return r
        if not state._token_ok(request.query_params.get("access_token")):
            return _err(40001, "invalid credential, access_token is invalid or not latest")
        body = await _json(request)
        openid, data = body.get("touser"), body.get("data")
        if not isinstance(openid, str) or not openid.startswith("ofake_"):
            return _err(40003, "invalid openid")
        if not body.get("template_id") or not isinstance(data, dict):
            return _err(47001, "data format error")
        if "refuse" in openid:
            return _err(43101, "user refuse to accept the msg")
        for key, entry in data.items():
            value = entry.get("value") if isinstance(entry, dict) else None
            if not isinstance(value, str) or not _template_value_ok(str(key), value):
                return _err(47003, f"argument invalid! data.{key}.value invalid")
        with state.lock:
            state.sent.append(body)
        return _err(0, "ok")

    async def phone(request: Request) -> Response:
        if (r := await _injected(state, "phone")) is not None:
            return r
        if not state._token_ok(request.query_params.get("access_token")):
            return _err(40001, "invalid credential, access_token is invalid or not latest")
        code = (await _json(request)).get("code")
        if not isinstance(code, str) or not code or code.startswith("invalid"):
            return _err(40029, "invalid code")
        number = code[len("phone-") :] if re.fullmatch(r"phone-1\d{10}", code) else "13800138000"
        return JSONResponse(
            {
                "errcode": 0,
                "errmsg": "ok",
                "phone_info": {
                    "phoneNumber": number,
                    "purePhoneNumber": number,
                    "countryCode": "86",
                    "watermark": {"timestamp": int(time.time()), "appid": state.app_id},
                },
            }
        )

    return Starlette(
        routes=[
            Route("/sns/jscode2session", jscode2session, methods=["GET"]),
            Route("/cgi-bin/stable_token", stable_token, methods=["POST"]),
            Route("/wxa/msg_sec_check", msg_sec_check, methods=["POST"]),
            Route("/cgi-bin/message/subscribe/send", subscribe_send, methods=["POST"]),
            Route("/wxa/business/getuserphonenumber", phone, methods=["POST"]),
        ]
    )


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _template_value_ok(key: str, value: str) -> bool:
    kind = key.rstrip("0123456789")
    if kind in ("time", "date"):
        return bool(_TIME_VALUE.match(value))
    limit = _TEMPLATE_LIMITS.get(kind)
    return bool(value) and (limit is None or len(value) <= limit)


class FakeWeChatServer:
    """The fake on uvicorn in a daemon thread, bound to 127.0.0.1 (port 0 = an ephemeral port)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state: FakeState | None = None) -> None:
        self.state = state or FakeState()
        config = uvicorn.Config(
            create_fake_app(self.state), host=host, port=port, log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self.host = host

    @property
    def port(self) -> int:
        sockets = self._server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> FakeWeChatServer:
        self._thread = threading.Thread(target=self._server.run, name="fake-wechat", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake WeChat server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeWeChatServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m app.wechat.fake", description="fake WeChat server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    print(f"fake WeChat on http://{args.host}:{args.port} (app id {FAKE_APP_ID})")
    uvicorn.run(create_fake_app(FakeState()), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
