"""The whole story of issue 3 through HTTP, with the fake WeChat over loopback: login, organisations verified by
staff, a 榜单 posted, reviewed, published, applied to jointly, awarded and accepted (验收), both inboxes right."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.conftest import bearer, login_member
from tests.demand_world import APPLICATION, DRAFT


def inbox_kinds(client: TestClient, h: dict[str, str]) -> list[str]:
    r = client.get("/api/v1/me/notifications", params={"page_size": 50}, headers=h)
    assert r.status_code == 200, r.text
    return sorted(n["kind"] for n in r.json()["items"])


def verified_org(client: TestClient, h: dict[str, str], staff: dict[str, str], body: dict[str, Any]) -> int:
    r = client.post("/api/v1/orgs", json=body, headers=h)
    assert r.status_code == 201, r.text
    org_id = int(r.json()["id"])
    r = client.post(f"/api/v1/staff/orgs/{org_id}/verify", headers=staff)
    assert r.status_code == 200, r.text
    return org_id


def run_story(client: TestClient, staff: dict[str, str]) -> None:
    """The story through any client with TestClient's interface (also two processes over HTTP, in turn)."""
    poster_token, _ = login_member(client, "poster")
    solver_token, _ = login_member(client, "solver")
    partner_token, _ = login_member(client, "partner")
    poster, solver, partner = bearer(poster_token), bearer(solver_token), bearer(partner_token)

    verified_org(
        client,
        poster,
        staff,
        {
            "name": "普陀新能源科技有限公司",
            "credit_code": factories.credit_code(11),
            "org_type": "enterprise",
            "city_code": "putuo",
        },
    )
    verified_org(
        client,
        solver,
        staff,
        {
            "name": "南京新材料研究院",
            "credit_code": factories.credit_code(12),
            "org_type": "institute",
            "city_code": "nanjing",
        },
    )
    partner_org = verified_org(
        client,
        partner,
        staff,
        {
            "name": "苏州检测服务中心",
            "credit_code": factories.credit_code(13),
            "org_type": "service",
            "city_code": "suzhou",
        },
    )

    # 我要发榜: draft, submit (content check passes at the fake WeChat), staff approve
    r = client.post("/api/v1/demands", json=DRAFT, headers=poster)
    assert r.status_code == 201, r.text
    demand_id = r.json()["id"]
    r = client.post(f"/api/v1/demands/{demand_id}/submit", headers=poster)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending_review"
    assert client.get(f"/api/v1/demands/{demand_id}").status_code == 404
    r = client.post(f"/api/v1/staff/demands/{demand_id}/approve", headers=staff)
    assert r.status_code == 200, r.text
    public = client.get(f"/api/v1/demands/{demand_id}")
    assert public.status_code == 200 and public.json()["contact_phone"] == "138****5678"

    # 我要揭榜 jointly; the poster sees it, the partner does not
    body = APPLICATION | {"partners": [{"org_id": partner_org, "role": "第三方检测"}]}
    r = client.post(f"/api/v1/demands/{demand_id}/applications", json=body, headers=solver)
    assert r.status_code == 201, r.text
    application_id = r.json()["id"]
    assert r.json()["status"] == "submitted"
    seen = client.get(f"/api/v1/demands/{demand_id}/applications", headers=poster).json()["items"]
    assert [a["id"] for a in seen] == [application_id]
    assert seen[0]["partners"][0]["name"] == "苏州检测服务中心"
    assert client.get(f"/api/v1/applications/{application_id}", headers=partner).status_code == 404

    # award, then 验收
    r = client.post(f"/api/v1/demands/{demand_id}/award", json={"application_ids": [application_id]}, headers=poster)
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/demands/{demand_id}/complete",
        json={"accepted_on": "2027-06-30", "result": "passed", "notes": "指标全部达到"},
        headers=poster,
    )
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/demands/{demand_id}").json()["status"] == "completed"
    assert client.get(f"/api/v1/applications/{application_id}", headers=solver).json()["status"] == "selected"

    poster_inbox = inbox_kinds(client, poster)
    solver_inbox = inbox_kinds(client, solver)
    for kind in ("demand_published", "application_received"):
        assert kind in poster_inbox, poster_inbox
    for kind in ("application_selected", "demand_completed"):
        assert kind in solver_inbox, solver_inbox
    for kind in ("application_selected", "demand_completed", "application_received", "demand_published"):
        assert kind not in inbox_kinds(client, partner)


class TestWholeStory:
    def test_post_review_apply_award_accept(self, client: TestClient, session: Session, fake_wechat: str) -> None:
        run_story(client, bearer(factories.staff_token(session, "story-district")))
