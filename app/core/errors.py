"""The one error type of the service and the handlers that give every non-2xx answer one shape:

{"code": "<stable snake_case>", "message": "<中文, for the user>", "detail": ...}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    message: str
    detail: Any = None


class AppError(Exception):
    """Raised by services and dependencies; turned into the error shape by one handler."""

    status_code = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        detail: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status_code = status_code or self.status_code
        self.detail = detail
        self.headers = headers
        super().__init__(self.message)


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "内容不存在或已下线"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "无权进行此操作"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    message = "请先登录"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "操作与当前状态冲突"


class Invalid(AppError):
    status_code = 422
    code = "validation_error"
    message = "提交的内容有误"


class Unavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "服务暂时不可用，请稍后再试"


_STATUS_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "无权进行此操作"),
    404: ("not_found", "请求的地址不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "操作与当前状态冲突"),
    413: ("payload_too_large", "提交的内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("validation_error", "提交的内容有误"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器开小差了，请稍后再试"),
    503: ("service_unavailable", "服务暂时不可用，请稍后再试"),
}

_FIELD_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "decimal_parsing": "须为数字",
    "bool_parsing": "须为是/否",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "string_type": "须为文本",
    "date_parsing": "日期格式有误",
    "date_from_datetime_parsing": "日期格式有误",
    "datetime_parsing": "时间格式有误",
    "datetime_from_date_parsing": "时间格式有误",
    "url_parsing": "网址格式有误",
    "json_invalid": "JSON 格式有误",
    "model_attributes_type": "格式有误",
    "dict_type": "须为对象",
    "list_type": "须为列表",
    "value_error": "取值有误",
    "string_pattern_mismatch": "格式有误",
}


def field_errors(errors: Any) -> list[dict[str, Any]]:
    """Pydantic errors as [{field, message, type}] with a Chinese message and without the raw input."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        kind = err.get("type", "value_error")
        message = _FIELD_MESSAGES.get(kind, "取值有误")
        ctx = err.get("ctx") or {}
        if kind == "value_error" and isinstance(ctx.get("error"), Exception):
            text = str(ctx["error"])
            if any("\u4e00" <= ch <= "\u9fff" for ch in text):
                message = text
        out.append({"field": ".".join(loc), "message": message, "type": kind})
    return out


def error_response(
    status_code: int, code: str, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "detail": detail}, status_code=status_code, headers=headers)


# The database cannot be reached, dropped the connection (a restart, a failover) or the pool has no connection left:
# the request did not run (or was rolled back), and the same request a moment later can succeed. Constraint and
# programming errors are not among these: they stay 500s, logged, because retrying them cannot help.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
DATABASE_RETRY_AFTER = "2"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(exc.errors())
        first = errors[0] if errors else None
        message = f"{first['field'] or '请求'}：{first['message']}" if first else "提交的内容有误"
        return error_response(422, "validation_error", message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_DEFAULTS.get(exc.status_code, ("http_error", "请求未能完成"))
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, message, None, headers)

    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Never the SQL or the driver's text in the answer; the log keeps the exception's class only (the message can
        # carry parameters).
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error_response(
            503,
            "database_unavailable",
            "数据库暂时不可用，请稍后再试",
            None,
            {"Retry-After": DATABASE_RETRY_AFTER},
        )

    for kind in DATABASE_UNAVAILABLE:
        app.add_exception_handler(kind, _database_unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        code, message = _STATUS_DEFAULTS[500]
        return error_response(500, code, message, None)


# What each status means to the reader of the API docs.
STATUS_DESCRIPTIONS = {
    400: "请求有误",
    401: "未登录或登录已失效",
    403: "无权进行此操作",
    404: "不存在",
    409: "状态冲突或重复提交",
    413: "内容过大",
    422: "参数有误",
    423: "账号已锁定",
    429: "请求过于频繁",
    500: "服务器错误",
    503: "依赖的服务暂不可用",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that raises these statuses itself (its dependencies document their own)."""
    return {s: {"model": ErrorBody, "description": STATUS_DESCRIPTIONS[s]} for s in statuses}


def raises(*statuses: int) -> Any:
    """Marks a dependency with the error statuses it answers, so every route that depends on it documents them."""

    def mark(dependency: Any) -> Any:
        dependency.__error_statuses__ = tuple(statuses)
        return dependency

    return mark


def document_dependency_errors(router: Any) -> None:
    """Adds the statuses declared with `@raises` by any dependency in a route's tree to that route's responses."""
    from fastapi.routing import APIRoute

    def statuses(dependant: Any) -> set[int]:
        found = set(getattr(dependant.call, "__error_statuses__", ()))
        for sub in dependant.dependencies:
            found |= statuses(sub)
        return found

    # Run on each domain router before it is included: its routes are still plain APIRoutes then.
    for route in router.routes:
        if isinstance(route, APIRoute):
            for status in sorted(statuses(route.dependant)):
                route.responses.setdefault(status, error_responses(status)[status])
