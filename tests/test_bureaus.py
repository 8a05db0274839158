"""Bureaus and API keys: staff API, key format, authentication, city scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.bureaus import service
from app.bureaus.keys import key_hash, new_key, parse_key
from app.bureaus.models import Bureau, BureauKey
from app.core.errors import Unauthorized
from app.core.models import utcnow
from tests import factories
from tests.contracts import assert_error_shape

URL = "/api/v1/staff/bureaus"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_bureau(client: TestClient, token: str, **kw: Any) -> dict[str, Any]:
    body = {"name": "无锡市科学技术局", "city_code": "wuxi", **kw}
    r = client.post(URL, json=body, headers=auth(token))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def issue(client: TestClient, token: str, bureau_id: int, **kw: Any) -> Any:
    body = {"scopes": ["resources", "policy"], "expires_in_days": 30, **kw}
    return client.post(f"{URL}/{bureau_id}/keys", json=body, headers=auth(token))


class TestKeyFormat:
    def test_round_trip_and_checksum(self) -> None:
        key, prefix = new_key()
        assert key.startswith(f"yhn_{prefix}_")
        assert parse_key(key) == prefix
        # One changed character anywhere is caught by the checksum.
        for i in (5, 20, len(key) - 1):
            ch = key[i]
            typo = key[:i] + ("A" if ch != "A" else "B") + key[i + 1 :]
            assert parse_key(typo) is None
        assert parse_key(key[:-1]) is None
        assert parse_key("") is None

    def test_hash_is_keyed(self) -> None:
        key, _ = new_key()
        assert key_hash(key, "one-secret") != key_hash(key, "another-secret")
        assert len(key_hash(key, "s")) == 64


class TestBureauCreate:
    def test_district_admin_creates_any_city(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token, city_code="nantong", trusted=True)
        assert b["city_code"] == "nantong" and b["trusted"] is True
        audit = session.exec(select(AuditLog).where(AuditLog.action == "bureau.create")).all()
        assert [a.object_id for a in audit] == [str(b["id"])]

    def test_city_admin_only_own_city_and_never_trusted(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session, "city_admin", "wuxi")
        make_bureau(client, token)
        r = client.post(URL, json={"name": "南京市科技局", "city_code": "nanjing"}, headers=auth(token))
        assert_error_shape(r, 403, "city_forbidden")
        r = client.post(URL, json={"name": "无锡市科技局", "city_code": "wuxi", "trusted": True}, headers=auth(token))
        assert_error_shape(r, 403, "trust_forbidden")
        assert session.exec(select(sa.func.count()).select_from(Bureau)).one() == 1

    def test_reviewer_and_anonymous_refused(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session, "reviewer", "wuxi")
        assert_error_shape(client.post(URL, json={"name": "无锡", "city_code": "wuxi"}, headers=auth(token)), 403)
        assert_error_shape(client.post(URL, json={"name": "无锡", "city_code": "wuxi"}), 401)

    def test_extra_fields_refused(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        r = client.post(URL, json={"name": "无锡局", "city_code": "wuxi", "id": 5}, headers=auth(token))
        assert_error_shape(r, 422, "validation_error")


class TestBureauList:
    def test_city_admin_sees_own_city(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        wuxi = make_bureau(client, district)
        make_bureau(client, district, city_code="nanjing", name="南京市科技局")
        _, token = factories.staff(session, "city_admin", "wuxi")
        r = client.get(URL, headers=auth(token))
        assert r.status_code == 200, r.text
        assert [b["id"] for b in r.json()] == [wuxi["id"]]
        assert len(client.get(URL, headers=auth(district)).json()) == 2


class TestBureauGet:
    def test_other_city_is_not_found(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        nanjing = make_bureau(client, district, city_code="nanjing", name="南京市科技局")
        _, token = factories.staff(session, "city_admin", "wuxi")
        assert_error_shape(client.get(f"{URL}/{nanjing['id']}", headers=auth(token)), 404, "bureau_not_found")
        r = client.get(f"{URL}/{nanjing['id']}", headers=auth(district))
        assert r.status_code == 200, r.text


class TestBureauUpdate:
    def test_trust_only_by_district_admin(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        b = make_bureau(client, district)
        _, city = factories.staff(session, "city_admin", "wuxi")
        assert_error_shape(client.patch(f"{URL}/{b['id']}", json={"trusted": True}, headers=auth(city)), 403)
        r = client.patch(f"{URL}/{b['id']}", json={"name": "无锡市科技局（新）"}, headers=auth(city))
        assert r.status_code == 200, r.text
        assert r.json()["trusted"] is False and r.json()["name"] == "无锡市科技局（新）"
        r = client.patch(f"{URL}/{b['id']}", json={"trusted": True}, headers=auth(district))
        assert r.status_code == 200, r.text
        assert r.json()["trusted"] is True

    def test_other_city_cannot_change(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        b = make_bureau(client, district, city_code="nanjing", name="南京市科技局")
        _, city = factories.staff(session, "city_admin", "wuxi")
        assert_error_shape(client.patch(f"{URL}/{b['id']}", json={"active": False}, headers=auth(city)), 404)
        assert session.get(Bureau, b["id"]).active is True  # type: ignore[union-attr]


class TestKeyIssue:
    def test_shown_once_and_stored_as_hmac(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token)
        r = issue(client, token, b["id"])
        assert r.status_code == 201, r.text
        body = r.json()
        plain = body["key"]
        assert parse_key(plain) == body["prefix"]
        row = session.get(BureauKey, body["id"])
        assert row is not None and row.key_hash != plain and plain not in row.key_hash
        assert row.scopes == ["policy", "resources"]
        listed = client.get(f"{URL}/{b['id']}/keys", headers=auth(token)).json()
        assert [k["prefix"] for k in listed] == [body["prefix"]]
        assert "key" not in listed[0] and "key_hash" not in listed[0]
        audit = session.exec(select(AuditLog).where(AuditLog.action == "bureau_key.issue")).one()
        assert plain not in str(audit.detail)

    @pytest.mark.parametrize("days", [0, 367, 1000])
    def test_expiry_at_most_366_days(self, client: TestClient, session: Session, days: int) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token)
        assert_error_shape(issue(client, token, b["id"], expires_in_days=days), 422)

    def test_unknown_scope_and_no_scope_refused(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token)
        assert_error_shape(issue(client, token, b["id"], scopes=["everything"]), 422)
        assert_error_shape(issue(client, token, b["id"], scopes=[]), 422)

    def test_other_city_bureau(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        b = make_bureau(client, district, city_code="nanjing", name="南京市科技局")
        _, city = factories.staff(session, "city_admin", "wuxi")
        assert_error_shape(issue(client, city, b["id"]), 404)
        assert session.exec(select(sa.func.count()).select_from(BureauKey)).one() == 0


class TestKeyList:
    def test_other_city_bureau_keys_hidden(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        b = make_bureau(client, district, city_code="nanjing", name="南京市科技局")
        assert issue(client, district, b["id"]).status_code == 201
        _, city = factories.staff(session, "city_admin", "wuxi")
        assert_error_shape(client.get(f"{URL}/{b['id']}/keys", headers=auth(city)), 404)


class TestKeyRevoke:
    def test_revoked_key_refused(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token)
        k = issue(client, token, b["id"]).json()
        assert service.authenticate(session, k["key"]).bureau.id == b["id"]
        r = client.post(f"{URL}/{b['id']}/keys/{k['id']}/revoke", headers=auth(token))
        assert r.status_code == 200, r.text
        assert r.json()["revoked_at"]
        with pytest.raises(Unauthorized) as exc:
            service.authenticate(session, k["key"])
        assert exc.value.code == "api_key_revoked"
        assert_error_shape(client.post(f"{URL}/{b['id']}/keys/{k['id']}/revoke", headers=auth(token)), 409)

    def test_key_of_another_bureau_not_found(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b1 = make_bureau(client, token)
        b2 = make_bureau(client, token, name="无锡第二局")
        k = issue(client, token, b1["id"]).json()
        assert_error_shape(client.post(f"{URL}/{b2['id']}/keys/{k['id']}/revoke", headers=auth(token)), 404)
        assert session.get(BureauKey, k["id"]).revoked_at is None  # type: ignore[union-attr]


class TestKeyRotate:
    def test_overlap_then_old_expires(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token)
        k = issue(client, token, b["id"]).json()
        r = client.post(f"{URL}/{b['id']}/keys/{k['id']}/rotate", json={"overlap_hours": 2}, headers=auth(token))
        assert r.status_code == 200, r.text
        new, old = r.json()["new_key"], r.json()["old_key"]
        assert new["scopes"] == k["scopes"] and new["rotated_from_id"] == k["id"]
        # Both work during the overlap.
        assert service.authenticate(session, new["key"]).key.id == new["id"]
        assert service.authenticate(session, k["key"]).key.id == k["id"]
        row = session.get(BureauKey, old["id"])
        assert row is not None
        assert row.expires_at <= utcnow() + timedelta(hours=2, seconds=5)
        # After the overlap the old key is refused.
        session.exec(sa.update(BureauKey).where(BureauKey.id == k["id"]).values(expires_at=utcnow()))  # type: ignore[arg-type]
        with pytest.raises(Unauthorized) as exc:
            service.authenticate(session, k["key"])
        assert exc.value.code == "api_key_expired"
        assert service.authenticate(session, new["key"]).key.id == new["id"]

    def test_revoked_key_cannot_rotate(self, client: TestClient, session: Session) -> None:
        _, token = factories.staff(session)
        b = make_bureau(client, token)
        k = issue(client, token, b["id"]).json()
        client.post(f"{URL}/{b['id']}/keys/{k['id']}/revoke", headers=auth(token))
        r = client.post(f"{URL}/{b['id']}/keys/{k['id']}/rotate", json={}, headers=auth(token))
        assert_error_shape(r, 409, "key_not_active")
        assert session.exec(select(sa.func.count()).select_from(BureauKey)).one() == 1

    def test_other_city(self, client: TestClient, session: Session) -> None:
        _, district = factories.staff(session)
        b = make_bureau(client, district, city_code="nanjing", name="南京市科技局")
        k = issue(client, district, b["id"]).json()
        _, city = factories.staff(session, "city_admin", "wuxi")
        r = client.post(f"{URL}/{b['id']}/keys/{k['id']}/rotate", json={}, headers=auth(city))
        assert_error_shape(r, 404)
        assert session.exec(select(sa.func.count()).select_from(BureauKey)).one() == 1


class TestAuthenticate:
    def test_malformed_key_never_queries(self, session: Session) -> None:
        _, plain = factories.bureau_key(session)
        typo = plain[:-3] + ("x" if plain[-3] != "x" else "y") + plain[-2:]
        statements: list[str] = []
        engine = session.get_bind()
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            with pytest.raises(Unauthorized) as exc:
                service.authenticate(session, typo)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        assert exc.value.code == "api_key_malformed"
        assert statements == []

    def test_well_formed_unknown_key(self, session: Session) -> None:
        factories.bureau_key(session)
        with pytest.raises(Unauthorized) as exc:
            service.authenticate(session, new_key()[0])
        assert exc.value.code == "api_key_invalid"

    def test_inactive_bureau(self, session: Session) -> None:
        bureau, plain = factories.bureau_key(session)
        bureau.active = False
        session.add(bureau)
        session.flush()
        with pytest.raises(Unauthorized):
            service.authenticate(session, plain)

    def test_last_use_written_at_most_once_a_minute(self, session: Session) -> None:
        _, plain = factories.bureau_key(session)
        p = service.authenticate(session, plain, "10.0.0.1")
        session.refresh(p.key)
        first = p.key.last_used_at
        assert first is not None and p.key.last_used_ip == "10.0.0.1"
        assert service.touch_key(session, p.key, "10.0.0.2", utcnow()) is False
        session.refresh(p.key)
        assert p.key.last_used_at == first and p.key.last_used_ip == "10.0.0.1"
        assert service.touch_key(session, p.key, "10.0.0.3", utcnow() + timedelta(seconds=61)) is True
        session.refresh(p.key)
        assert p.key.last_used_ip == "10.0.0.3"
