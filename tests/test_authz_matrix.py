"""The authorization matrix: tests/authz/policy.json says, for every operation and every role, who gets past its gate
(`gate`) and who reaches a real object of organisation A / city A (`owned_by_a`).

A route missing from the policy, or a cell that differs, fails. To add a route: run
`python -m tests.authz.write_policy`, read the diff of tests/authz/policy.json, and commit it only if it says
what you meant.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core import db as core_db
from app.core.config import Settings, get_settings
from tests.authz.probe import (
    BUILDERS,
    NOT_PROBED_OWNED,
    OTHERS,
    ROLES,
    allowed_roles,
    build_world,
    operations,
    owned_operations,
    probe_settings,
    reaching_roles,
    retires_credential,
)

POLICY = json.loads((Path(__file__).parent / "authz" / "policy.json").read_text())
GATE: dict[str, list[str]] = POLICY["gate"]
OWNED: dict[str, list[str]] = POLICY["owned_by_a"]
STAFF = {r for r in ROLES if r.startswith("staff_")}
# The committed spec (checked against the app by `make openapi-check` and by TestPolicyCoversEveryRoute) gives each
# operation's path without building an app per parametrized case.
PATHS = {
    op["operationId"]: path
    for path, item in json.loads((Path(__file__).parent.parent / "openapi" / "openapi.json").read_text())[
        "paths"
    ].items()
    for op in item.values()
}
# Objects of A that another organisation may act on by design (a published demand is there to be applied to; a
# published achievement to be asked about). Everything else of A is refused to B.
OPEN_TO_OTHER_ORGS = {"applications_create", "showcase_achievement_interest"}


@pytest.fixture()
def probe_client(session: Session, settings: Settings) -> Iterator[TestClient]:
    """The app on the test's rolled-back session, without rate limits (a 429 would be a probe error)."""
    from app.main import create_app

    probed = probe_settings(settings.database_url)
    application = create_app(probed)

    def _session() -> Iterator[Session]:
        yield session

    application.dependency_overrides[core_db.get_session] = _session
    application.dependency_overrides[core_db.get_write_session] = _session
    application.dependency_overrides[get_settings] = lambda: probed
    with TestClient(application, raise_server_exceptions=False) as client:
        yield client


class TestPolicyCoversEveryRoute:
    def test_every_operation_has_a_policy(self, app: FastAPI) -> None:
        ids = {op.operation_id for op in operations(app)}
        assert sorted(ids - set(GATE)) == [], "operations without a policy: add them"
        assert sorted(set(GATE) - ids) == [], "policies for operations that no longer exist"

    def test_every_buildable_object_is_probed(self, app: FastAPI) -> None:
        ids = {op.operation_id for op in owned_operations(app)}
        assert sorted(ids ^ set(OWNED)) == [], "owned_by_a differs from the operations on buildable objects"
        assert set(NOT_PROBED_OWNED) <= {op.operation_id for op in operations(app) if op.ids in BUILDERS}


class TestMatrix:
    def test_every_gate_cell(self, app: FastAPI, probe_client: TestClient, session: Session) -> None:
        headers = build_world(session).headers
        differ = {}
        for n, op in enumerate(operations(app)):
            fresh = build_world(session, f"-r{n}").headers if retires_credential(op) else headers
            got = allowed_roles(probe_client, op, fresh)
            if sorted(got) != sorted(GATE[op.operation_id]):
                differ[op.operation_id] = {"policy": GATE[op.operation_id], "actual": got}
        assert differ == {}

    def test_every_cell_on_objects_of_a(self, app: FastAPI, probe_client: TestClient, session: Session) -> None:
        world = build_world(session)
        differ = {}
        for op in owned_operations(app):
            got = reaching_roles(probe_client, op, world)
            if sorted(got) != sorted(OWNED[op.operation_id]):
                differ[op.operation_id] = {"policy": OWNED[op.operation_id], "actual": got}
        assert differ == {}


class TestPolicyIsSane:
    """Independent of the probe: what the policy itself may never say."""

    @pytest.mark.parametrize("operation_id", sorted(GATE))
    def test_staff_and_push_routes_are_closed_to_others(self, operation_id: str) -> None:
        path = PATHS[operation_id]
        allowed = set(GATE[operation_id])
        if path.startswith("/api/v1/staff/") and not path.endswith("/login"):
            assert allowed <= STAFF, f"{operation_id} lets {allowed - STAFF} into the back office"
        if path.startswith("/api/v1/push/"):
            assert allowed <= {"bureau_a", "bureau_b"}, f"{operation_id} lets {allowed} push"
        if "audit" in path:
            assert "staff_reviewer" not in allowed, f"{operation_id}: reviewers do not read the audit log"

    @pytest.mark.parametrize("operation_id", sorted(OWNED))
    def test_b_is_refused_on_objects_of_a(self, operation_id: str) -> None:
        reached = set(OWNED[operation_id])
        if "visitor" in reached:
            return  # public: everyone sees it
        others = reached & set(OTHERS)
        if operation_id in OPEN_TO_OTHER_ORGS:
            others -= {"org_b_member"}
        assert others == set(), f"{operation_id}: {sorted(others)} reach an object of organisation A / city A"

    @pytest.mark.parametrize("operation_id", sorted(OWNED))
    def test_someone_reaches_each_object(self, operation_id: str) -> None:
        # An operation nobody can use on a real object is a probe that proves nothing (or a dead route).
        if operation_id != "applications_shortlist":  # only organisation D, which is no role, shortlists on its demand
            assert OWNED[operation_id], f"{operation_id}: no role reaches the object"

    def test_gate_and_ownership_agree(self) -> None:
        for operation_id, reached in OWNED.items():
            assert set(reached) <= set(GATE[operation_id]), f"{operation_id}: a role reaches an object past no gate"
