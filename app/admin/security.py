"""Cookies of the console: the staff session, the half-done login between password and TOTP, and CSRF.

The session cookie carries the same opaque staff token as `POST /api/v1/staff/login` (stored only as a digest in
`staff_session`), so idle timeout, expiry and logout are the staff service's own. Every cookie is HttpOnly and
SameSite=Strict; forms also carry a CSRF token (double submit: a random cookie and the same value in the form).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import Request
from fastapi.responses import Response

from app.core.config import get_settings
from app.core.errors import Forbidden

SESSION_COOKIE = "staff_session"
PENDING_COOKIE = "admin_pending"
CSRF_COOKIE = "admin_csrf"
CSRF_FIELD = "csrf_token"
PENDING_TTL_SECONDS = 300


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or get_settings().environment == "production"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )


def clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict")


def _sign(payload: str) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, f"admin-pending:{payload}".encode(), hashlib.sha256).hexdigest()


def pending_value(staff_id: int) -> str:
    """Proof that the password of `staff_id` was right a moment ago: id, expiry and an HMAC, nothing secret."""
    payload = f"{staff_id}.{int(time.time()) + PENDING_TTL_SECONDS}"
    return f"{payload}.{_sign(payload)}"


def pending_staff_id(request: Request) -> int | None:
    value = request.cookies.get(PENDING_COOKIE, "")
    staff_id, _, rest = value.partition(".")
    expires, _, signature = rest.partition(".")
    if not (staff_id.isdigit() and expires.isdigit() and signature):
        return None
    if not hmac.compare_digest(signature, _sign(f"{staff_id}.{expires}")) or int(expires) < time.time():
        return None
    return int(staff_id)


def csrf_token(request: Request) -> str:
    """The request's CSRF token: the cookie's value, or a new one that the response must set."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = request.state.new_csrf = secrets.token_urlsafe(24)
    return str(token)


async def check_csrf(request: Request) -> None:
    """Every state-changing console request: the form's token must equal the cookie's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise Forbidden("表单已失效，请刷新页面后重试", code="csrf_failed")


ENROL_COOKIE = "admin_enrol"


def enrol_value(staff_id: int, secret: str) -> str:
    """A TOTP secret being enrolled, bound to the account and to five minutes by an HMAC."""
    payload = f"{staff_id}.{int(time.time()) + PENDING_TTL_SECONDS}.{secret}"
    return f"{payload}.{_sign(payload)}"


def enrol_secret(request: Request, staff_id: int) -> str | None:
    parts = request.cookies.get(ENROL_COOKIE, "").split(".")
    if len(parts) != 4 or parts[0] != str(staff_id) or not parts[1].isdigit():
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _sign(payload)) or int(parts[1]) < time.time():
        return None
    return parts[2]
