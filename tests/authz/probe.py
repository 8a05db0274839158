"""Who may call what: the probe behind the authorization matrix (tests/authz/policy.json).

Two probes, both generic over the app's operations:

- **gate**: every operation as every role, with ids that exist nowhere and an empty body. Authentication and role
  checks run in dependencies, before the body is validated and before any row is looked up, so a role that may use
  the operation gets past the gate (200, 404, 409, 422 …) and a role that may not is stopped at it (401 or 403).
- **owned by A**: every operation whose path ids name an object this module can build is called again, as every role,
  on a real object that belongs to organisation A, its member, its 技术经理人 or the bureau of city A (a fresh object
  per call, so one role's change cannot hide another's answer). A role *reaches* the object unless it is answered
  401, 403 or 404; the member of organisation B and the bureau key of city B must be refused wherever the object is
  not public. A 422 for a role that is then refused proves nothing (the body was looked at before the owner), so
  such operations carry a valid body in `BODIES`, and the probe fails when one is missing.
"""

from __future__ import annotations

import itertools
import re
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests import factories

CITY_A, CITY_B = "wuxi", "suzhou"
ROLES = (
    "visitor",
    "member",
    "org_a_member",
    "org_b_member",
    "tech_manager",
    "bureau_a",
    "bureau_b",
    "staff_district_admin",
    "staff_city_admin",
    "staff_reviewer",
    "staff_auditor",
)
# The roles that own nothing of A and work in city B (the staff city admin is of city B): they must be refused on
# A's objects wherever those are not public.
OTHERS = ("org_b_member", "bureau_b", "staff_city_admin")
STOPPED = {401, 403}
REFUSED = {401, 403, 404}
# Path parameters that are not ids take a value their type accepts.
PARAM_VALUES = {"kind": "resources", "board": "policy", "city_code": "putuo", "code": "putuo"}
MISSING_ID = "2147480000"


class ProbeError(AssertionError):
    """The probe met an answer that says nothing about authorization (5xx, 429, an unprovable 422)."""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(p for p in re.findall(r"\{(\w+)\}", self.path) if p not in PARAM_VALUES))


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


# -- the world: one organisation A and one B, a 技术经理人, a bureau of city A and of city B, staff ------------------


@dataclass
class World:
    session: Session
    # Makes what the builders added visible to the app: a flush inside the test's transaction, a commit otherwise.
    persist: Callable[[], None]
    headers: dict[str, dict[str, str]]
    org_a: Any
    org_b: Any
    org_d: Any  # a third organisation of city A that no role belongs to
    member_a: Any
    member_d: Any
    manager: Any
    bureau_a: Any
    key_a_id: int
    _n: Any = field(default_factory=lambda: itertools.count(1))

    def next(self) -> int:
        return int(next(self._n))


def build_world(session: Session, suffix: str = "", persist: Callable[[], None] | None = None) -> World:
    from app.bureaus.models import BureauKey
    from app.core.models import Verification
    from app.staff.models import StaffRole

    # Each world's organisations need credit codes of their own: derived from the suffix, deterministic.
    n = 9001 + 10 * (zlib.crc32(suffix.encode()) % 9_000_000)
    org_a = factories.organization(
        session, f"权限矩阵甲科技有限公司{suffix}", factories.credit_code(n), city_code=CITY_A
    )
    org_b = factories.organization(
        session, f"权限矩阵乙科技有限公司{suffix}", factories.credit_code(n + 1), city_code=CITY_B
    )
    org_m = factories.organization(
        session, f"权限矩阵技术转移中心{suffix}", factories.credit_code(n + 2), org_type="service", city_code=CITY_A
    )
    org_d = factories.organization(session, f"权限矩阵丁研究院{suffix}", factories.credit_code(n + 3), city_code=CITY_A)
    _, plain = factories.member(session, f"ofake_authz-plain{suffix}")
    member_a, token_a = factories.member(session, f"ofake_authz-a{suffix}", org=org_a)
    _, token_b = factories.member(session, f"ofake_authz-b{suffix}", org=org_b)
    member_m, token_m = factories.member(session, f"ofake_authz-manager{suffix}", org=org_m)
    member_d, _ = factories.member(session, f"ofake_authz-d{suffix}", org=org_d)
    manager = factories.tech_manager(
        session, member_id=member_m.id, source="member", completed_count=0, verification=Verification.verified
    )
    bureau_a, key_a = factories.bureau_key(session, CITY_A)
    _, key_b = factories.bureau_key(session, CITY_B)
    key_a_id = session.exec(select(BureauKey.id).where(BureauKey.bureau_id == bureau_a.id)).first()
    headers = {
        "visitor": {},
        "member": {"Authorization": f"Bearer {plain}"},
        "org_a_member": {"Authorization": f"Bearer {token_a}"},
        "org_b_member": {"Authorization": f"Bearer {token_b}"},
        "tech_manager": {"Authorization": f"Bearer {token_m}"},
        "bureau_a": {"Authorization": f"Bearer {key_a}"},
        "bureau_b": {"Authorization": f"Bearer {key_b}"},
    }
    for role in StaffRole:
        city = CITY_B if role is StaffRole.city_admin else None
        token = factories.staff_token(session, f"authz-{role.value}{suffix}", role=role.value, city_code=city)
        headers[f"staff_{role.value}"] = {"Authorization": f"Bearer {token}"}
    world = World(
        session=session,
        persist=persist or session.flush,
        headers=headers,
        org_a=org_a,
        org_b=org_b,
        org_d=org_d,
        member_a=member_a,
        member_d=member_d,
        manager=manager,
        bureau_a=bureau_a,
        key_a_id=int(key_a_id or 0),
    )
    world.persist()
    return world


def role_headers(session: Session, suffix: str = "") -> dict[str, dict[str, str]]:
    return build_world(session, suffix).headers


def probe_settings(database_url: str) -> Any:
    """Settings of the probed app: rate limits off (the probe sends some 2,500 requests from one address; a 429 is
    a probe error, never an answer about authorization)."""
    from app.core.config import Settings

    return Settings(environment="test", database_url=database_url, rate_limit_per_ip=0, rate_limit_per_token=0)


# -- objects that belong to A, one builder per set of path ids -----------------------------------------------------


def _demand_a(w: World, **kw: Any) -> Any:
    return factories.demand(w.session, w.org_a, **kw)


def _application_a(w: World) -> dict[str, int]:
    # Organisation A applied to a demand of organisation D.
    demand = factories.demand(w.session, w.org_d)
    return {"application_id": factories.demand_application(w.session, demand, w.org_a, w.member_a).id}


def _org_a(w: World) -> dict[str, int]:
    # A fresh organisation of A's member (their admin), pending verification, so that verify/reject can act on it.
    from app.core.models import Verification
    from app.members.models import OrgMembership

    org = factories.organization(
        w.session,
        f"权限矩阵甲分公司{w.next()}",
        factories.credit_code(700000 + w.next()),
        city_code=CITY_A,
        verification=Verification.pending,
    )
    factories.add(w.session, OrgMembership(member_id=w.member_a.id, org_id=org.id, role="admin"))
    return {"org_id": org.id}


def _claim_a(w: World) -> dict[str, int]:
    newcomer, _ = factories.member(w.session, f"ofake_authz-newcomer{w.next()}-{secrets.token_hex(3)}")
    return {"claim_id": factories.org_claim(w.session, newcomer, w.org_a).id}


def _notification_a(w: World) -> dict[str, int]:
    from app.notifications.models import Notification

    row = factories.add(w.session, Notification(member_id=w.member_a.id, kind="demand_approved", title="榜单已通过"))
    return {"notification_id": row.id}


def _bureau_a(w: World) -> dict[str, int]:
    from app.bureaus.models import Bureau

    return {"bureau_id": factories.add(w.session, Bureau(name=f"无锡科技局{w.next()}", city_code=CITY_A)).id}


def _bureau_key_a(w: World) -> dict[str, int]:
    from app.bureaus.models import BureauKey

    bureau, _ = factories.bureau_key(w.session, CITY_A)
    key_id = w.session.exec(select(BureauKey.id).where(BureauKey.bureau_id == bureau.id)).one()
    return {"bureau_id": bureau.id, "key_id": key_id}


def _batch_a(w: World) -> dict[str, int]:
    from app.bureaus.models import PushBatch

    row = PushBatch(
        bureau_id=w.bureau_a.id,
        key_id=w.key_a_id,
        city_code=CITY_A,
        kind="resources",
        idempotency_key=f"authz-{w.next()}",
        request_hash="0" * 64,
        status="applied",
        record_count=0,
    )
    return {"batch_id": factories.add(w.session, row).id}


def _upload_a(w: World) -> dict[str, int]:
    from app.uploads.models import Upload

    n = w.next()
    row = Upload(
        member_id=w.member_a.id,
        kind="attachment",
        content_type="application/pdf",
        extension="pdf",
        filename="方案.pdf",
        size=4,
        sha256="0" * 64,
        storage_key=f"authz/{n}-{secrets.token_hex(4)}.pdf",
    )
    return {"upload_id": factories.add(w.session, row).id}


def _assignment_a(w: World) -> dict[str, int]:
    from app.managers.models import DemandAssignment

    demand = _demand_a(w)
    row = DemandAssignment(
        demand_id=demand.id, manager_id=w.manager.id, live_demand_id=demand.id, status="active", origin="staff"
    )
    return {"assignment_id": factories.add(w.session, row).id}


def _favorite_a(w: World) -> dict[str, int]:
    return {"favorite_id": factories.favorite(w.session, w.member_a, "policy", 1_000_000 + w.next()).id}


def _subscription_a(w: World) -> dict[str, int]:
    return {"subscription_id": factories.interest(w.session, w.member_a, "keyword", f"电池{w.next()}").id}


BUILDERS: dict[tuple[str, ...], Callable[[World], dict[str, int]]] = {
    ("demand_id",): lambda w: {"demand_id": _demand_a(w).id},
    ("application_id",): _application_a,
    ("org_id",): _org_a,
    ("claim_id",): _claim_a,
    ("notification_id",): _notification_a,
    ("bureau_id",): _bureau_a,
    ("bureau_id", "key_id"): _bureau_key_a,
    ("batch_id",): _batch_a,
    ("upload_id",): _upload_a,
    ("assignment_id",): _assignment_a,
    ("favorite_id",): _favorite_a,
    ("subscription_id",): _subscription_a,
    ("achievement_id",): lambda w: {
        "achievement_id": factories.achievement(w.session, org_id=w.org_a.id, city_code=CITY_A).id
    },
    ("need_id",): lambda w: {"need_id": factories.financing_need(w.session, org_id=w.org_a.id, city_code=CITY_A).id},
    ("job_id",): lambda w: {"job_id": factories.job(w.session, org_id=w.org_a.id, city_code=CITY_A).id},
}

# Bodies valid enough that the owner check, not the body check, decides (a callable takes the world).
REASON = {"reason": "材料不全，请补充后再提交"}
BODIES: dict[str, Any] = {
    "demands_update": {"title": "固态电池电解质界面稳定性技术攻关（修订）"},
    "demands_award": {"application_ids": [1]},
    "demands_complete": {"accepted_on": "2026-11-20", "result": "passed"},
    "tech_assignment_follow_up": {"happened_on": "2026-11-20", "contact_made": "电话沟通了技术需求"},
    "tech_assignment_rate": {"rating": 5},
    "staff_demands_reject": REASON,
    "staff_orgs_reject": REASON,
    "staff_org_claims_reject": REASON,
    "staff_applications_reject": REASON,
    "staff_demand_assign_manager": lambda w: {"manager_id": w.manager.id},
    "bureaus_key_issue": {"scopes": ["resources"]},
    "applications_create": {
        "proposal": "采用原位聚合界面层方案，已有小试数据。",
        "team": "教授 1 名，博士 3 名",
        "budget_wan_yuan": 100,
        "timeline": "12 个月",
        "contact_name": "李老师",
        "contact_phone": "13900001111",
    },
}


FILES: dict[str, Any] = {
    "push_staff_import_xlsx": {"file": ("资源.xlsx", b"PK\x03\x04", "application/octet-stream")},
}
# Non-id path values an operation needs on a real object (the gate probe's PARAM_VALUES may not fit it).
OWNED_PARAMS: dict[str, dict[str, str]] = {"push_staff_import_xlsx": {"kind": "resource"}}
# Operations on a buildable object that the owned probe leaves to their domain tests, and why.
NOT_PROBED_OWNED = {
    "upload_content": "the builder stores no bytes, so the owner too would get 404 (tests/test_uploads.py)",
}


def owned_operations(app: FastAPI) -> list[Operation]:
    return [op for op in operations(app) if op.ids and op.ids in BUILDERS and op.operation_id not in NOT_PROBED_OWNED]


# -- probing -----------------------------------------------------------------------------------------------------


def concrete(path: str, ids: dict[str, Any] | None = None) -> str:
    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        if ids and name in ids:
            return str(ids[name])
        return PARAM_VALUES.get(name, MISSING_ID)

    return re.sub(r"\{(\w+)\}", value, path)


def call(
    client: TestClient,
    op: Operation,
    headers: dict[str, str],
    ids: dict[str, Any] | None = None,
    world: World | None = None,
) -> Any:
    kw: dict[str, Any] = {"headers": {**headers, "Idempotency-Key": f"authz-{secrets.token_hex(6)}"}}
    if op.method in ("POST", "PUT", "PATCH"):
        body = BODIES.get(op.operation_id, {}) if ids else {}
        kw["json"] = body(world) if callable(body) and world is not None else body
        if ids and op.operation_id in FILES:
            kw["files"] = FILES[op.operation_id]
            del kw["json"]
    r = client.request(op.method, concrete(op.path, ids), **kw)
    if r.status_code >= 500 or r.status_code == 429:
        raise ProbeError(f"{op.operation_id}: {r.status_code} {r.text[:300]}")
    return r


def probe(client: TestClient, op: Operation, headers: dict[str, str]) -> int:
    return int(call(client, op, headers).status_code)


def allowed_roles(client: TestClient, op: Operation, headers: dict[str, dict[str, str]]) -> list[str]:
    return [role for role in ROLES if probe(client, op, headers[role]) not in STOPPED]


def reaching_roles(client: TestClient, op: Operation, world: World) -> list[str]:
    """The roles that reach a fresh object of A through `op` (one new object per role)."""
    reached = []
    for role in ROLES:
        ids: dict[str, Any] = {**BUILDERS[op.ids](world), **OWNED_PARAMS.get(op.operation_id, {})}
        world.persist()
        r = call(client, op, world.headers[role], ids, world)
        if role in OTHERS and r.status_code == 422 and r.json().get("code") == "validation_error":
            # The body was refused before the owner was looked at: this says nothing about ownership.
            raise ProbeError(f"{op.operation_id}: give it a valid body in BODIES ({role} got {r.text[:200]})")
        if r.status_code not in REFUSED:
            reached.append(role)
    return reached
