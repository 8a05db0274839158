"""Mass assignment is refused everywhere: every request body of every operation (walked from the app's OpenAPI, so a
new route is covered the day it is added) refuses unknown fields, and no body declares a field that only the server
may set (status, verification, owner, counters, review fields …). The few bodies that carry a city, an
organisation or a flag name it here, with why that is safe."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contracts import assert_error_shape

# Fields the server alone sets: never in a request body.
SERVER_ONLY = {
    "id",
    "status",
    "verification",
    "publication",
    "owner_id",
    "member_id",
    "created_by",
    "reviewed_by",
    "reviewed_at",
    "verified_at",
    "published_at",
    "created_at",
    "updated_at",
    "deleted_at",
    "source",
    "source_id",
    "bureau_id",
    "key_id",
    "acting_org_id",
    "view_count",
    "favorite_count",
    "application_count",
    "completed_count",
    "record_count",
    "counts",
    "failed_logins",
    "locked_until",
    "totp_secret",
    "password_hash",
    "openid",
    "unionid",
    "privacy_consented_at",
}
# Fields that decide a city, an organisation, a role or a flag: allowed only in these bodies.
GUARDED = {"city_code", "org_id", "trusted", "active", "scopes", "role", "manager_id", "rating", "application_ids"}
ALLOWED_GUARDED = {
    ("OrgCreate", "city_code"): "a new organisation states its city; staff verify it before it is public",
    ("OrgUpdate", "city_code"): "editable only until verified (orgs service), by the organisation's admin",
    ("ManagerApply", "city_code"): "a 技术经理人 applicant states where they work; staff verify the profile",
    ("ActingOrgSelect", "org_id"): "must be an organisation the member belongs to and that is verified",
    ("Partner", "org_id"): "a cooperation partner named by the poster; no right follows from it",
    ("Partner", "role"): "the partner's role in the cooperation (text), not an account role",
    ("AwardBody", "application_ids"): "applications to the caller's own demand only",
    ("RatingCreate", "rating"): "the poster's 1–5 rating of the manager who followed their demand",
    ("BureauCreate", "city_code"): "staff (admins of that city) only",
    ("BureauCreate", "trusted"): "staff admins only",
    ("BureauUpdate", "trusted"): "staff admins only",
    ("BureauUpdate", "active"): "staff admins only",
    ("KeyCreate", "scopes"): "staff admins only",
    ("ManagerAssign", "manager_id"): "staff admins only",
    ("EventCreate", "city_code"): "staff only, within their city",
}


def _bodies(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (op["operationId"], content_type, media["schema"])
        for item in spec["paths"].values()
        for op in item.values()
        for content_type, media in op.get("requestBody", {}).get("content", {}).items()
    ]


def _objects(schema: dict[str, Any], components: dict[str, Any], seen: dict[str, dict[str, Any]]) -> None:
    """Every named object schema reachable from `schema` (nested models, lists, unions)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen[name] = components[name]
            _objects(components[name], components, seen)
        return
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key, []):
            _objects(sub, components, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _objects(schema[key], components, seen)
    for sub in schema.get("properties", {}).values():
        _objects(sub, components, seen)


@pytest.fixture(scope="module")
def request_models() -> dict[str, tuple[str, dict[str, Any]]]:
    """Name → (content type, schema) of every object schema in any request body."""
    import os

    os.environ.setdefault("ENVIRONMENT", "test")
    from app.core.config import Settings
    from app.main import create_app

    spec = create_app(Settings(environment="test", database_url="sqlite:///:memory:")).openapi()
    components = spec["components"]["schemas"]
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for _, content_type, schema in _bodies(spec):
        seen: dict[str, dict[str, Any]] = {}
        _objects(schema, components, seen)
        for name, sub in seen.items():
            if sub.get("type") == "object":
                found[name] = (content_type, sub)
    return found


class TestEveryRequestBody:
    def test_walk_finds_the_bodies(self, request_models: dict[str, tuple[str, dict[str, Any]]]) -> None:
        # A walk that finds nothing proves nothing.
        assert {"DemandCreate", "OrgCreate", "MeUpdate", "PushRequest", "ApplicationCreate"} <= set(request_models)

    def test_unknown_fields_refused(self, request_models: dict[str, tuple[str, dict[str, Any]]]) -> None:
        lax = []
        for name, (content_type, schema) in request_models.items():
            if content_type == "multipart/form-data":
                # FastAPI's form models: the file (checked by its magic bytes) and the upload's own options; other
                # form parts are bound to nothing.
                assert set(schema.get("properties", {})) <= {"file", "kind", "visibility"}, name
                continue
            if schema.get("additionalProperties") is not False:
                lax.append(name)
        assert lax == [], f"request models that accept unknown fields (extra='forbid' missing): {lax}"

    def test_no_server_only_field(self, request_models: dict[str, tuple[str, dict[str, Any]]]) -> None:
        found = {
            (name, field)
            for name, (_, schema) in request_models.items()
            for field in schema.get("properties", {})
            if field in SERVER_ONLY
        }
        assert found == set(), f"request bodies that let the caller set server-only fields: {sorted(found)}"

    def test_guarded_fields_only_where_allowed(self, request_models: dict[str, tuple[str, dict[str, Any]]]) -> None:
        found = {
            (name, field)
            for name, (_, schema) in request_models.items()
            for field in schema.get("properties", {})
            if field in GUARDED
        }
        assert sorted(found - set(ALLOWED_GUARDED)) == [], "a new body sets a city, organisation or flag: review it"
        assert sorted(set(ALLOWED_GUARDED) - found) == [], "an allowance for a field that no longer exists"


@pytest.fixture()
def member_headers(session: Any) -> dict[str, str]:
    from tests import factories

    _, token = factories.member(session, "ofake_mass")
    return {"Authorization": f"Bearer {token}"}


class TestOverHttp:
    """The same refusal as the API answers it, on the bodies a member would most like to inflate."""

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("PATCH", "/api/v1/me", {"nickname": "甲", "openid": "ofake_someone_else"}),
            ("PATCH", "/api/v1/me", {"avatar_url": "https://a.cn/x.png", "privacy_consented_at": "2026-01-01"}),
            ("POST", "/api/v1/orgs", {"verification": "verified"}),
            ("POST", "/api/v1/me/favorites", {"board": "policy", "item_id": 1, "member_id": 1}),
        ],
    )
    def test_extra_field_is_422(
        self, client: TestClient, member_headers: dict[str, str], method: str, path: str, body: Any
    ) -> None:
        r = client.request(method, path, json=body, headers=member_headers)
        data = assert_error_shape(r, 422, "validation_error")
        assert any(e["type"] == "extra_forbidden" for e in data["detail"]), data
