"""The authorization matrix: tests/authz/policy.json says, for every operation, which roles get past its gate.

A route missing from the policy, or a cell that differs, fails. To add a route: run
`python -m tests.authz.write_policy`, read the diff of tests/authz/policy.json, and commit it only if it says
what you meant.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.authz.probe import ROLES, allowed_roles, operations, retires_credential, role_headers

POLICY = json.loads((Path(__file__).parent / "authz" / "policy.json").read_text())
STAFF = {r for r in ROLES if r.startswith("staff_")}


class TestPolicyCoversEveryRoute:
    def test_every_operation_has_a_policy(self, app: FastAPI) -> None:
        ids = {op.operation_id for op in operations(app)}
        assert sorted(ids - set(POLICY)) == [], "operations without a policy: add them"
        assert sorted(set(POLICY) - ids) == [], "policies for operations that no longer exist"


class TestMatrix:
    def test_every_cell(self, app: FastAPI, client: TestClient, session: Session) -> None:
        headers = role_headers(session)
        differ = {}
        for n, op in enumerate(operations(app)):
            got = allowed_roles(client, op, role_headers(session, "x" * (n + 1)) if retires_credential(op) else headers)
            if sorted(got) != sorted(POLICY[op.operation_id]):
                differ[op.operation_id] = {"policy": POLICY[op.operation_id], "actual": got}
        assert differ == {}


class TestPolicyIsSane:
    """Independent of the probe: what the policy itself may never say."""

    @pytest.mark.parametrize("operation_id", sorted(POLICY))
    def test_staff_and_push_routes_are_closed_to_others(self, operation_id: str, app: FastAPI) -> None:
        op = next(o for o in operations(app) if o.operation_id == operation_id)
        allowed = set(POLICY[operation_id])
        if op.path.startswith("/api/v1/staff/") and not op.path.endswith("/login"):
            assert allowed <= STAFF, f"{operation_id} lets {allowed - STAFF} into the back office"
        if op.path.startswith("/api/v1/push/"):
            assert allowed <= {"bureau"}, f"{operation_id} lets {allowed - {'bureau'}} push"
        if "audit" in op.path:
            assert "staff_reviewer" not in allowed, f"{operation_id}: reviewers do not read the audit log"
