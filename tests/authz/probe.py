"""Who gets past the gate of each operation: the probe behind the authorization matrix.

Every operation of the app is called as every role with ids that exist nowhere and an empty body. Authentication
and role checks run in dependencies, before the body is validated and before any row is looked up, so a role that
may use the operation gets past the gate (200, 404, 409, 422 …) and a role that may not is stopped at it (401 or
403). Ownership — another organisation's row — is proven per domain by the tests of each id-bearing route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories

ROLES = (
    "visitor",
    "member",
    "org_member",
    "bureau",
    "staff_district_admin",
    "staff_city_admin",
    "staff_reviewer",
    "staff_auditor",
)
STOPPED = {401, 403}
# Path parameters that are not ids take a value their type accepts.
PARAM_VALUES = {"kind": "resources", "board": "policy", "city_code": "putuo", "code": "putuo"}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str


def operations(app: FastAPI) -> list[Operation]:
    spec = app.openapi()
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            found.append(Operation(op["operationId"], method.upper(), path))
    return sorted(found, key=lambda o: o.operation_id)


def retires_credential(op: Operation) -> bool:
    """Renewal and logout retire the token they are called with: they are probed with fresh accounts."""
    return op.operation_id.endswith(("_renew", "_logout"))


def role_headers(session: Session, suffix: str = "") -> dict[str, dict[str, str]]:
    from app.staff.models import StaffRole

    _, plain_member = factories.member(session, f"authz-plain{suffix}")
    org = factories.organization(session, f"权限矩阵科技有限公司{suffix}", factories.credit_code(9001 + len(suffix)))
    _, org_member = factories.member(session, f"authz-org{suffix}", org=org)
    _, key = factories.bureau_key(session, "wuxi")
    headers = {
        "visitor": {},
        "member": {"Authorization": f"Bearer {plain_member}"},
        "org_member": {"Authorization": f"Bearer {org_member}"},
        "bureau": {"Authorization": f"Bearer {key}"},
    }
    for role in StaffRole:
        city = "suzhou" if role is StaffRole.city_admin else None
        token = factories.staff_token(session, f"authz-{role.value}{suffix}", role=role.value, city_code=city)
        headers[f"staff_{role.value}"] = {"Authorization": f"Bearer {token}"}
    return headers


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAM_VALUES.get(m.group(1), "2147480000"), path)


def probe(client: TestClient, op: Operation, headers: dict[str, str]) -> int:
    kw: dict[str, Any] = {"headers": {**headers, "Idempotency-Key": "authz-probe"}}
    if op.method in ("POST", "PUT", "PATCH"):
        kw["json"] = {}
    return client.request(op.method, concrete(op.path), **kw).status_code


def allowed_roles(client: TestClient, op: Operation, headers: dict[str, dict[str, str]]) -> list[str]:
    return [role for role in ROLES if probe(client, op, headers[role]) not in STOPPED]
