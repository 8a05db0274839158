"""WeChat's error codes mapped to the service's one error type (Chinese messages, stable codes)."""

from __future__ import annotations

from typing import Any

from app.core.errors import AppError, Conflict, Forbidden, Invalid, Unauthorized, Unavailable


class WeChatUnavailable(Unavailable):
    """WeChat is down, slow, busy (-1) or answered something we cannot use."""

    code = "wechat_unavailable"
    message = "微信服务暂时不可用，请稍后再试"


class WeChatCodeInvalid(Unauthorized):
    """40029 / 40163: the wx.login (or phone) code is unknown, expired or already used."""

    code = "wechat_code_invalid"
    message = "微信登录凭证无效或已过期，请重新授权"


class WeChatRateLimited(AppError):
    """45011: too many calls for this user or app."""

    status_code = 429
    code = "wechat_rate_limited"
    message = "微信接口调用过于频繁，请稍后再试"


class WeChatUserBlocked(Forbidden):
    """40226: WeChat refuses a high-risk user."""

    code = "wechat_user_blocked"
    message = "该微信账号存在风险，暂时无法使用"


class SubscribeRefused(Conflict):
    """43101: the user has no credit for this template (never granted, spent, or refused)."""

    code = "wechat_subscribe_refused"
    message = "用户未订阅该消息或已拒收"


class TemplateDataInvalid(Invalid):
    """47003: a field breaks the template's value rules (thing ≤ 20 characters, phrase ≤ 5 汉字 …)."""

    code = "wechat_template_invalid"
    message = "订阅消息内容不符合模板要求"


class AccessTokenInvalid(Exception):
    """40001 / 40014 / 42001: the access token we sent is not (or no longer) valid. Internal: triggers one refresh."""


def raise_for_errcode(data: dict[str, Any]) -> None:
    """Raises the AppError for a WeChat answer with a non-zero errcode; returns for success."""
    errcode = data.get("errcode") or 0
    if errcode == 0:
        return
    detail = {"errcode": errcode}
    if errcode in (40001, 40014, 42001):
        raise AccessTokenInvalid(errcode)
    if errcode in (40029, 40163):
        raise WeChatCodeInvalid(detail=detail)
    if errcode == 45011:
        raise WeChatRateLimited(detail=detail)
    if errcode == 40226:
        raise WeChatUserBlocked(detail=detail)
    if errcode == 43101:
        raise SubscribeRefused(detail=detail)
    if errcode == 47003:
        raise TemplateDataInvalid(detail=detail)
    raise WeChatUnavailable(detail=detail)
