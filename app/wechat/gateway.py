"""The one module that talks to WeChat's servers (FIELD-NOTES, WeChat).

- `code2session`: a `wx.login` code → openid, unionid, session_key. A code is valid once: never retried.
- the access token through `POST /cgi-bin/stable_token`, kept by a `TokenStore` (Redis when REDIS_URL is set).
- `msg_sec_check`: msgSecCheck **v2**, whose answer is `result.suggest` (errcode is 0 even for risky text).
- `send_subscribe_message`, `phone_number` (getuserphonenumber).

Base URL, app id and secret come from settings; every call has explicit timeouts (2 s connect, 3 s read) and, over
them, a deadline for the whole call of their sum (app/wechat/deadline.py): a WeChat that trickles its answer a byte
at a time is cut off there too, so a member waits at most 5 s plus our own work. WeChat's
error codes become `AppError`s (app/wechat/errors.py). wechatpy 1.8 is not used for these calls: it is synchronous on
`requests` without per-call timeouts, fetches a token before code2Session, speaks msgSecCheck v1 and has neither
stable_token nor getuserphonenumber.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import httpx
from fastapi import Depends

from app.core.config import Settings, get_settings
from app.core.redis import get_redis
from app.wechat.breaker import Breaker
from app.wechat.deadline import DeadlineTransport, deadline
from app.wechat.errors import AccessTokenInvalid, WeChatUnavailable, raise_for_errcode
from app.wechat.token import TokenStore, store_for

log = logging.getLogger(__name__)

Verdict = Literal["pass", "review", "risky"]
# msgSecCheck v2 takes at most 2,500 characters per call; longer texts are checked in pieces, the worst answer wins.
SEC_CHECK_MAX_CHARS = 2500
_SEVERITY: dict[str, int] = {"pass": 0, "review": 1, "risky": 2}


class Scene:
    """msgSecCheck v2 scenes."""

    profile = 1  # 资料
    comment = 2  # 评论
    forum = 3  # 论坛
    social_log = 4  # 社交日志


@dataclass(frozen=True)
class WxSession:
    openid: str
    session_key: str
    unionid: str | None = None


class WeChatGateway:
    def __init__(
        self,
        *,
        base_url: str,
        app_id: str,
        app_secret: str,
        token_store: TokenStore,
        breaker: Breaker | None = None,
        connect_timeout: float = 2.0,
        read_timeout: float = 3.0,
        miniprogram_state: str = "formal",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self.tokens = token_store
        self.breaker = breaker or Breaker(None)
        self.miniprogram_state = miniprogram_state
        timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout)
        self.call_deadline = connect_timeout + read_timeout
        # No transport retries: a login code works once, and a message sent twice is a message too many.
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=DeadlineTransport())

    @classmethod
    def from_settings(cls, settings: Settings) -> WeChatGateway:
        return cls(
            base_url=settings.wechat_api_base_url,
            app_id=settings.wechat_app_id,
            app_secret=settings.wechat_app_secret.get_secret_value(),
            token_store=store_for(settings.redis_url, settings.wechat_app_id),
            breaker=Breaker(get_redis(settings)),
            connect_timeout=settings.wechat_connect_timeout,
            read_timeout=settings.wechat_read_timeout,
            miniprogram_state="formal" if settings.environment == "production" else "developer",
        )

    def close(self) -> None:
        self._http.close()

    # -- transport -------------------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, params: dict[str, Any], json: Any = None) -> dict[str, Any]:
        self.breaker.check()
        try:
            data = self._transport(method, path, params=params, json=json)
        except WeChatUnavailable:
            self.breaker.failure()
            raise
        self.breaker.success()
        return data

    def _transport(self, method: str, path: str, *, params: dict[str, Any], json: Any = None) -> dict[str, Any]:
        try:
            with deadline(self.call_deadline):
                r = self._http.request(method, path, params=params, json=json)
        except httpx.TimeoutException as exc:
            log.warning("WeChat %s timed out: %s", path, type(exc).__name__)
            raise WeChatUnavailable(detail={"reason": "timeout"}) from None
        except httpx.HTTPError as exc:
            log.warning("WeChat %s unreachable: %s", path, type(exc).__name__)
            raise WeChatUnavailable(detail={"reason": "unreachable"}) from None
        if r.status_code != 200:
            log.warning("WeChat %s answered HTTP %s", path, r.status_code)
            raise WeChatUnavailable(detail={"reason": "http_status", "status": r.status_code})
        try:
            data = r.json()
        except ValueError:
            raise WeChatUnavailable(detail={"reason": "bad_response"}) from None
        if not isinstance(data, dict):
            raise WeChatUnavailable(detail={"reason": "bad_response"})
        if data.get("errcode"):
            log.info("WeChat %s errcode %s", path, data.get("errcode"))
        return data

    def _fetch_token(self) -> tuple[str, int]:
        body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret, "force_refresh": False}
        data = self._request("POST", "/cgi-bin/stable_token", params={}, json=body)
        try:
            raise_for_errcode(data)
        except AccessTokenInvalid:
            raise WeChatUnavailable(detail={"errcode": data.get("errcode")}) from None
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise WeChatUnavailable(detail={"reason": "bad_token_response"})
        return token, expires_in

    def access_token(self) -> str:
        return self.tokens.obtain(self._fetch_token)

    def _with_token(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with the access token; on 40001/42001 the token is dropped and the call made once more."""
        for attempt in (1, 2):
            token = self.access_token()
            data = self._request("POST", path, params={"access_token": token}, json=body)
            try:
                raise_for_errcode(data)
            except AccessTokenInvalid:
                self.tokens.invalidate(token)
                if attempt == 2:
                    raise WeChatUnavailable(detail={"errcode": data.get("errcode")}) from None
                continue
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    # -- calls -----------------------------------------------------------------------------------------------------

    def code2session(self, code: str) -> WxSession:
        """`wx.login` code → openid / session_key. One attempt only: a code is valid once."""
        params = {"appid": self.app_id, "secret": self._secret, "js_code": code, "grant_type": "authorization_code"}
        data = self._request("GET", "/sns/jscode2session", params=params)
        try:
            raise_for_errcode(data)
        except AccessTokenInvalid:
            raise WeChatUnavailable(detail={"errcode": data.get("errcode")}) from None
        openid, session_key = data.get("openid"), data.get("session_key")
        if not isinstance(openid, str) or not openid or not isinstance(session_key, str):
            raise WeChatUnavailable(detail={"reason": "bad_session_response"})
        unionid = data.get("unionid")
        return WxSession(openid=openid, session_key=session_key, unionid=unionid if isinstance(unionid, str) else None)

    def msg_sec_check(self, openid: str, content: str, *, scene: int = Scene.forum) -> Verdict:
        """msgSecCheck v2 of one text for one user; `pass`, `review` or `risky` from `result.suggest`."""
        worst: Verdict = "pass"
        for start in range(0, max(len(content), 1), SEC_CHECK_MAX_CHARS):
            piece = content[start : start + SEC_CHECK_MAX_CHARS]
            body = {"version": 2, "openid": openid, "scene": scene, "content": piece}
            data = self._with_token("/wxa/msg_sec_check", body)
            result = data.get("result")
            suggest = result.get("suggest") if isinstance(result, dict) else None
            if suggest not in _SEVERITY:
                raise WeChatUnavailable(detail={"reason": "bad_check_response"})
            if _SEVERITY[suggest] > _SEVERITY[worst]:
                worst = suggest
            if worst == "risky":
                break
        return worst

    def send_subscribe_message(
        self, openid: str, template_id: str, data: dict[str, str], *, page: str | None = None
    ) -> None:
        """One subscribe message; 43101 → SubscribeRefused, 47003 → TemplateDataInvalid."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
            "miniprogram_state": self.miniprogram_state,
            "lang": "zh_CN",
        }
        if page:
            body["page"] = page
        self._with_token("/cgi-bin/message/subscribe/send", body)

    def phone_number(self, code: str) -> str:
        """The phone number a user shared (getPhoneNumber button) by its one-time code."""
        data = self._with_token("/wxa/business/getuserphonenumber", {"code": code})
        info = data.get("phone_info")
        phone = info.get("purePhoneNumber") if isinstance(info, dict) else None
        if not isinstance(phone, str) or not phone:
            raise WeChatUnavailable(detail={"reason": "bad_phone_response"})
        return phone


_gateway: WeChatGateway | None = None
_gateway_lock = threading.Lock()


def get_gateway() -> WeChatGateway:
    """The process's gateway, built from settings on first use."""
    global _gateway
    with _gateway_lock:
        if _gateway is None:
            _gateway = WeChatGateway.from_settings(get_settings())
        return _gateway


def set_gateway(gateway: WeChatGateway | None) -> WeChatGateway | None:
    """Replaces the process's gateway (dev server, tests); returns the previous one. None rebuilds from settings."""
    global _gateway
    with _gateway_lock:
        previous, _gateway = _gateway, gateway
        return previous


WeChatDep = Annotated[WeChatGateway, Depends(get_gateway)]
