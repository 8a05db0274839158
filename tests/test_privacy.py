"""Nobody sees what is not theirs: openid, unionid, WeChat session data and full phone numbers appear in no answer
but the member's own profile, whoever asks and whatever they ask for."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.schemas import mask_phone
from app.members.models import MemberSession
from app.notifications.service import notify
from app.orgs.service import verify_org
from app.staff.models import StaffUser
from app.staff.service import open_session
from tests import factories
from tests.conftest import bearer, login_member

PHONE = "13912345678"


def get_paths(app: FastAPI) -> list[str]:
    return sorted(p for p, ops in app.openapi()["paths"].items() if "get" in ops)


def fill(path: str, value: int) -> str:
    return re.sub(r"\{[^}]+\}", str(value), path)


class TestNoIdentifiersLeak:
    def test_every_get_as_visitor_other_member_staff_and_owner(
        self, app: FastAPI, client: TestClient, session: Session, fake_wechat: str
    ) -> None:
        alice, login = login_member(client, "alice")
        alice_id = login["member"]["id"]  # type: ignore[index]
        r = client.post("/api/v1/me/phone", json={"code": f"phone-{PHONE}"}, headers=bearer(alice))
        assert r.status_code == 200, r.text
        r = client.post(
            "/api/v1/orgs",
            json={
                "name": "苏州某研究院",
                "credit_code": factories.credit_code(77),
                "org_type": "institute",
                "city_code": "suzhou",
            },
            headers=bearer(alice),
        )
        assert r.status_code == 201, r.text
        org_id = r.json()["id"]
        staff = factories.add(session, StaffUser(username="district-x", password_hash="!", role="district_admin"))
        staff_token, _ = open_session(session, staff)
        verify_org(session, staff, org_id)
        other_org = factories.organization(session, "乙", factories.credit_code(78))
        factories.org_claim(session, factories.member(session, "ofake_carol")[0], other_org)
        pol = factories.policy(session)
        fav = client.post("/api/v1/me/favorites", json={"board": "policy", "item_id": pol.id}, headers=bearer(alice))
        assert fav.status_code == 201, fav.text
        client.post("/api/v1/me/subscriptions", json={"kind": "city", "value": "suzhou"}, headers=bearer(alice))
        notify(session, alice_id, "k", "消息")
        session.flush()
        bob, _ = login_member(client, "bob")
        session_key = session.exec(
            select(MemberSession.wechat_session_key).where(MemberSession.member_id == alice_id)
        ).first()
        assert session_key
        secrets = ["ofake_alice", "ufake_alice", session_key, PHONE]

        callers = {"visitor": {}, "bob": bearer(bob), "staff": bearer(staff_token), "alice": bearer(alice)}
        checked = 0
        for path in get_paths(app):
            # Each id only where the path takes one: a path without one asked four times would only spend the
            # caller's rate budget (300 a minute), and an answer of 429 proves nothing about leaks.
            values = {org_id, fav.json()["id"], pol.id, 1} if "{" in path else {0}
            for value in values:
                for who, headers in callers.items():
                    if who == "alice" and path == "/api/v1/me":
                        continue
                    r = client.get(fill(path, value), headers=headers)
                    assert r.status_code != 429, (who, path)
                    checked += 1
                    for secret in secrets:
                        assert secret not in r.text, (who, path, secret)
        assert checked > 100
        own = client.get("/api/v1/me", headers=bearer(alice)).json()
        assert own["openid"] == "ofake_alice" and own["unionid"] == "ufake_alice" and own["phone"] == PHONE
        assert "session_key" not in str(own) and session_key not in str(own)

    def test_masking(self) -> None:
        assert mask_phone(PHONE) == "139****5678"
        assert mask_phone("+8613912345678") == "139****5678"
