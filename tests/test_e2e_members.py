"""Members over real HTTP: the production entry point on a fresh database, talking to the fake WeChat over loopback.

Unlike the TestClient tests (one shared session), the server here reads the member in one session and writes in
another, commits for real, and sends subscribe messages from its outbox after the commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.core.db import make_engine
from app.members.privacy import PRIVACY_POLICY_VERSION
from app.staff.models import StaffUser
from app.staff.service import open_session
from app.wechat.fake import FakeWeChatServer
from tests import factories
from tests.conftest import ROOT, reference_database
from tests.test_shutdown import _free_port

TPL = "tmpl_fake_notice"


@pytest.fixture()
def server(tmp_path: Path, fake_wechat_server: FakeWeChatServer) -> Iterator[tuple[str, str, object]]:
    """(API base URL, database URL, fake WeChat state)."""
    fake_wechat_server.state.reset()
    url = reference_database(tmp_path, "e2e_members")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DATABASE_URL": url,
        "ENVIRONMENT": "local",
        "WECHAT_API_BASE_URL": fake_wechat_server.base_url,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base, url, fake_wechat_server.state
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def _wait_until_up(base: str, proc: subprocess.Popen[str]) -> None:
    # Generous: on a loaded machine the server takes a while to import.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def login(c: httpx.Client, name: str) -> dict[str, str]:
    r = c.post(
        "/api/v1/auth/login", json={"code": f"{name}:{uuid.uuid4().hex}", "privacy_version": PRIVACY_POLICY_VERSION}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class TestMembersOverHttp:
    def test_login_profile_org_claim_inbox_and_subscribe_message(self, server: tuple[str, str, object]) -> None:
        base, url, state = server
        engine = make_engine(url).execution_options(sqlite_write=True)
        with Session(engine, expire_on_commit=False) as s:
            staff_user = factories.add(s, StaffUser(username="district-e2e", password_hash="!", role="district_admin"))
            staff_token, _ = open_session(s, staff_user)
            policy = factories.policy(s, city_code="suzhou")
            s.commit()
        engine.dispose()
        staff = {"Authorization": f"Bearer {staff_token}"}
        with httpx.Client(base_url=base, timeout=30) as c:
            alice = login(c, "alice")
            r = c.patch("/api/v1/me", json={"nickname": "爱丽丝"}, headers=alice)
            assert r.status_code == 200, r.text
            assert (
                c.post("/api/v1/me/phone", json={"code": "phone-13912345678"}, headers=alice).json()["phone"]
                == "13912345678"
            )
            r = c.post(
                "/api/v1/orgs",
                json={
                    "name": "苏州某研究院",
                    "credit_code": factories.credit_code(5),
                    "org_type": "institute",
                    "city_code": "suzhou",
                },
                headers=alice,
            )
            assert r.status_code == 201, r.text
            org_id = r.json()["id"]
            assert c.post(f"/api/v1/staff/orgs/{org_id}/verify", headers=staff).status_code == 200
            assert c.get("/api/v1/me", headers=alice).json()["acting_org_id"] == org_id

            bob = login(c, "bob")
            r = c.post("/api/v1/me/subscriptions/wechat-grants", json={"results": {TPL: "accept"}}, headers=bob)
            assert r.status_code == 200, r.text
            r = c.post("/api/v1/orgs/claims", json={"credit_code": factories.credit_code(5)}, headers=bob)
            assert r.status_code == 201, r.text
            r = c.post(f"/api/v1/staff/org-claims/{r.json()['id']}/approve", headers=staff)
            assert r.status_code == 200, r.text
            assert c.get("/api/v1/me", headers=bob).json()["acting_org_id"] == org_id
            assert c.get("/api/v1/me/notifications/unread-count", headers=bob).json() == {"unread": 1}
            deadline = time.monotonic() + 20
            while not state.sent and time.monotonic() < deadline:  # type: ignore[attr-defined]
                time.sleep(0.05)
            assert [m["touser"] for m in state.sent] == ["ofake_bob"]  # type: ignore[attr-defined]
            assert c.get("/api/v1/me/subscriptions/wechat-grants", headers=bob).json()["items"][0]["credits"] == 0

            r = c.post("/api/v1/me/favorites", json={"board": "policy", "item_id": policy.id}, headers=bob)
            assert r.status_code == 201, r.text
            assert c.delete(f"/api/v1/me/favorites/{r.json()['id']}", headers=alice).status_code == 404
            r = c.post("/api/v1/auth/renew", headers=alice)
            assert r.status_code == 200, r.text
            assert c.get("/api/v1/me", headers=alice).status_code == 401
            fresh = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert c.post("/api/v1/auth/logout", headers=fresh).status_code == 204
            assert c.get("/api/v1/me", headers=fresh).status_code == 401
