from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import Verification
from app.members.dependencies import CurrentMember
from app.orgs.dependencies import ActingOrg
from tests import factories


def _probe(app: FastAPI) -> None:
    @app.get("/probe/member")
    def probe_member(member: CurrentMember) -> dict[str, int | None]:
        return {"id": member.id}

    @app.get("/probe/org")
    def probe_org(org: ActingOrg) -> dict[str, int | None]:
        return {"id": org.id}


class TestCurrentMember:
    def test_token_required_and_checked(self, app: FastAPI, client: TestClient, session: Session) -> None:
        _probe(app)
        m, token = factories.member(session, "openid-a")
        assert client.get("/probe/member").status_code == 401
        assert client.get("/probe/member", headers={"Authorization": "Bearer nope"}).json()["code"] == "token_invalid"
        r = client.get("/probe/member", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        assert r.json() == {"id": m.id}


class TestActingOrg:
    def test_needs_verified_org_membership(self, app: FastAPI, client: TestClient, session: Session) -> None:
        _probe(app)
        verified = factories.organization(session, "甲公司", "91310107MA1G000001")
        pending = factories.organization(session, "乙公司", "91310107MA1G000002", verification=Verification.pending)
        _, no_org = factories.member(session, "openid-none")
        _, with_pending = factories.member(session, "openid-pending", org=pending)
        _, with_verified = factories.member(session, "openid-verified", org=verified)
        assert client.get("/probe/org", headers={"Authorization": f"Bearer {no_org}"}).json()["code"] == "org_required"
        r = client.get("/probe/org", headers={"Authorization": f"Bearer {with_pending}"})
        assert r.status_code == 403 and r.json()["code"] == "org_not_verified"
        r = client.get("/probe/org", headers={"Authorization": f"Bearer {with_verified}"})
        assert r.status_code == 200, r.text
        assert r.json() == {"id": verified.id}
