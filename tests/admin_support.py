"""Console helpers for tests: staff users logged in through the console's own forms (password, then TOTP)."""

from __future__ import annotations

from typing import Any

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.staff.models import StaffRole, StaffUser
from app.staff.service import create_staff
from tests import factories as fx

PASSWORD = "correct horse battery"
ADMINS = {StaffRole.district_admin, StaffRole.city_admin}

# key of app/admin/registry.py → builder of tests/factories.py
BUILDERS: dict[str, Any] = {
    "policy": fx.policy,
    "resource": fx.resource,
    "techmanager": fx.tech_manager,
    "alliance": fx.alliance,
    "fund": fx.fund,
    "financialproduct": fx.financial_product,
    "financingneed": fx.financing_need,
    "servicestation": fx.service_station,
    "talentservice": fx.talent_service,
    "job": fx.job,
    "expert": fx.expert,
    "trainingprogramme": fx.training_programme,
    "achievement": fx.achievement,
    "event": fx.event,
    "cooperationitem": fx.cooperation_item,
}


class Console:
    """A browser-like client of the console: cookies kept, the CSRF token read from the cookie it set."""

    def __init__(self, client: TestClient, user: StaffUser) -> None:
        self.client = client
        self.user = user

    @property
    def csrf(self) -> str:
        token = self.client.cookies.get("admin_csrf")
        if not token:
            self.client.get("/admin/login")
            token = self.client.cookies.get("admin_csrf")
        return str(token)

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, follow_redirects=False, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        body = {"csrf_token": self.csrf, **(data or {})}
        return self.client.post(url, data=body, follow_redirects=False, **kw)


def staff(
    session: Session, username: str, role: StaffRole, city: str | None = None, *, totp: bool | None = None
) -> StaffUser:
    secret = pyotp.random_base32() if (role in ADMINS if totp is None else totp) else None
    return create_staff(session, username=username, password=PASSWORD, role=role, city_code=city, totp_secret=secret)


def login(app: FastAPI, user: StaffUser, clients: list[TestClient]) -> Console:
    client = TestClient(app, raise_server_exceptions=False)
    clients.append(client)
    c = Console(client, user)
    r = c.post("/admin/login", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 303, r.text
    if user.totp_secret:
        assert r.headers["location"] == "/admin/login/totp"
        r = c.post("/admin/login/totp", {"totp": pyotp.TOTP(user.totp_secret).now()})
        assert r.status_code == 303, r.text
    assert r.headers["location"] == "/admin/", r.text
    return c
