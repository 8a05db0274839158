"""Rendering of the console's pages: one Jinja2 environment, autoescaped, templates inside the package."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.admin.deps import ROLE_LABELS, Perm, can
from app.admin.security import CSRF_COOKIE, csrf_token, set_cookie
from app.core.labels import LABELS
from app.core.schemas import CityCode
from app.core.timeutil import CHINA
from app.staff.models import StaffRole, StaffUser

CITY_LABELS = LABELS[CityCode]

env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _local(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


env.filters["local"] = _local
env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False, default=str)
env.filters["city"] = lambda code: CITY_LABELS.get(code, "全部城市") if code else "全部城市"

# The navigation, in the order staff use it; each entry shows only to roles that may open it.
NAV: list[tuple[str, str, Perm | None]] = [
    ("/admin/", "首页", None),
    ("/admin/review", "审核队列", Perm.review),
    ("/admin/boards", "栏目维护", Perm.boards),
    ("/admin/banners", "首页横幅", Perm.boards),
    ("/admin/exports", "三张清单导出", Perm.export),
    ("/admin/stats", "统计", Perm.stats),
    ("/admin/audit", "审计日志", Perm.audit),
    ("/admin/bureaus", "推送单位与导入", Perm.bureaus),
]


def render(
    request: Request, template: str, user: StaffUser | None = None, *, status_code: int = 200, **ctx: Any
) -> HTMLResponse:
    token = csrf_token(request)
    nav = [(href, name) for href, name, perm in NAV if user is not None and (perm is None or can(user, perm))]
    html = env.get_template(template).render(
        request=request,
        user=user,
        role_label=ROLE_LABELS.get(StaffRole(user.role), user.role) if user else "",
        nav=nav,
        csrf_token=token,
        cities=CITY_LABELS,
        flash=request.query_params.get("msg", ""),
        **ctx,
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.cookies.get(CSRF_COOKIE) != token:
        set_cookie(response, request, CSRF_COOKIE, token)
    return response


def redirect(url: str, msg: str = "") -> RedirectResponse:
    from urllib.parse import quote

    if msg:
        url += ("&" if "?" in url else "?") + "msg=" + quote(msg)
    return RedirectResponse(url, status_code=303)
