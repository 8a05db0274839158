"""The console as a sub-application mounted at /admin: HTML error pages, a login redirect, no OpenAPI."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.admin.render import redirect, render
from app.admin.security import SESSION_COOKIE, clear_cookie
from app.core.errors import AppError, Unauthorized, field_errors

log = logging.getLogger(__name__)

_TITLES = {403: "无权访问", 404: "内容不存在", 409: "操作冲突", 422: "提交的内容有误", 423: "账号已锁定"}


def create_admin_app(parent: FastAPI | None = None) -> FastAPI:
    from app.admin.routes import audit, auth, banners, boards, bureaus, dashboard, exports, orgs, review, stats

    admin = FastAPI(title="后台维护端", docs_url=None, redoc_url=None, openapi_url=None)
    if parent is not None:
        # One dictionary: overrides set on the API app (tests, alternative databases) reach the console too.
        admin.dependency_overrides = parent.dependency_overrides
    for module in (auth, dashboard, orgs, review, boards, banners, exports, stats, audit, bureaus):
        admin.include_router(module.router)

    @admin.exception_handler(Unauthorized)
    async def _login(request: Request, exc: Unauthorized) -> Response:
        response = redirect("/admin/login", exc.message)
        clear_cookie(response, SESSION_COOKIE)
        return response

    @admin.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        details = (
            [f"{e.get('field', '')}：{e.get('message', '')}" for e in exc.detail]
            if isinstance(exc.detail, list) and all(isinstance(e, dict) for e in exc.detail)
            else []
        )
        return render(
            request,
            "error.html",
            getattr(request.state, "staff", None),
            status_code=exc.status_code,
            title=_TITLES.get(exc.status_code, "操作未能完成"),
            message=exc.message,
            details=details,
        )

    @admin.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [f"{e['field'] or '表单'}：{e['message']}" for e in field_errors(exc.errors())]
        return render(
            request, "error.html", status_code=422, title="提交的内容有误", message="请检查后重试", details=details
        )

    @admin.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            title=_TITLES.get(exc.status_code, "出错了"),
            message="页面不存在" if exc.status_code == 404 else "请求未能完成",
        )

    @admin.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("console error on %s %s", request.method, request.url.path)
        return render(request, "error.html", status_code=500, title="服务器开小差了", message="请稍后再试")

    return admin
