from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.boards.showcase.models import Event
from app.contrib.models import EventRegistration
from app.core.models import Verification, utcnow
from app.core.timeutil import today_cn
from app.moderation.service import install_checker
from app.staff.models import StaffRole
from tests import factories
from tests.contracts import assert_error_shape
from tests.contrib_support import fake_checker, inbox, org_member, plain_member, staff_headers

EVENTS = "/api/v1/showcase/events"
STAFF_EVENTS = "/api/v1/staff/events"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def register(client: TestClient, event_id: int, headers: dict[str, str], **body: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{EVENTS}/{event_id}/registrations",
        json={"contact_name": "王工", "contact_phone": "13912345678", **body},
        headers=headers,
    )


def registrations(session: Session, event_id: int) -> list[EventRegistration]:
    return list(session.exec(select(EventRegistration).where(EventRegistration.event_id == event_id)))


class TestEventRegister:
    def test_happy_path_takes_a_place_and_tells_the_member(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0)
        org, member, headers = org_member(session)
        r = register(client, event.id, headers)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["status"] == "registered" and body["event_id"] == event.id
        assert body["org_name"] == org.name and body["contact_phone"] == "139****5678"
        session.refresh(event)
        assert event.registered_count == 1
        assert [n.kind for n in inbox(session, member.id)] == ["event.registered"]
        assert client.get(f"{EVENTS}/{event.id}").json()["registered_count"] == 1

    def test_unverified_or_no_org_is_403_and_takes_nothing(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0)
        _, _, pending = org_member(session, verification=Verification.pending)
        _, no_org = plain_member(session)
        assert_error_shape(register(client, event.id, pending), 403, "org_not_verified")
        assert_error_shape(register(client, event.id, no_org), 403, "org_required")
        assert_error_shape(register(client, event.id, {}), 401)
        session.refresh(event)
        assert event.registered_count == 0 and registrations(session, event.id) == []

    def test_full_event_is_409_and_never_exceeds_capacity(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=2, registered_count=0)
        heads = [org_member(session)[2] for _ in range(3)]
        assert register(client, event.id, heads[0]).status_code == 201
        assert register(client, event.id, heads[1]).status_code == 201
        assert_error_shape(register(client, event.id, heads[2]), 409, "event_full")
        session.refresh(event)
        assert event.registered_count == 2 and len(registrations(session, event.id)) == 2

    def test_closed_registration(self, client: TestClient, session: Session) -> None:
        past_deadline = factories.event(session, registration_deadline=today_cn() - timedelta(days=1))
        started = factories.event(session, starts_at=utcnow() - timedelta(hours=1), registration_deadline=None)
        _, _, headers = org_member(session)
        for event in (past_deadline, started):
            before = event.registered_count
            assert_error_shape(register(client, event.id, headers), 409, "registration_closed")
            session.refresh(event)
            assert event.registered_count == before

    def test_deadline_day_itself_is_open(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, registration_deadline=today_cn())
        assert register(client, event.id, org_member(session)[2]).status_code == 201

    def test_twice_is_409_and_counted_once(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0)
        _, _, headers = org_member(session)
        assert register(client, event.id, headers).status_code == 201
        assert_error_shape(register(client, event.id, headers), 409, "already_registered")
        session.refresh(event)
        assert event.registered_count == 1

    def test_hidden_or_unknown_event_is_404(self, client: TestClient, session: Session) -> None:
        hidden = factories.event(session, verification=Verification.pending, registered_count=0)
        _, _, headers = org_member(session)
        assert_error_shape(register(client, hidden.id, headers), 404)
        assert_error_shape(register(client, 999999, headers), 404)
        session.refresh(hidden)
        assert hidden.registered_count == 0

    def test_bad_body_is_422(self, client: TestClient, session: Session) -> None:
        event = factories.event(session)
        _, _, headers = org_member(session)
        for body in ({"contact_name": ""}, {"contact_name": "王", "contact_phone": "abc"}, {"x": 1}):
            r = client.post(f"{EVENTS}/{event.id}/registrations", json=body, headers=headers)
            assert_error_shape(r, 422, "validation_error")


class TestEventCancelRegistration:
    def test_cancel_gives_the_place_back_and_allows_registering_again(
        self, client: TestClient, session: Session
    ) -> None:
        event = factories.event(session, capacity=1, registered_count=0)
        _, _, headers = org_member(session)
        _, _, other = org_member(session)
        assert register(client, event.id, headers).status_code == 201
        r = client.delete(f"{EVENTS}/{event.id}/registration", headers=headers)
        assert r.status_code == 204, r.text
        session.refresh(event)
        assert event.registered_count == 0
        assert register(client, event.id, other).status_code == 201
        assert_error_shape(register(client, event.id, headers), 409, "event_full")
        assert client.delete(f"{EVENTS}/{event.id}/registration", headers=other).status_code == 204
        r = register(client, event.id, headers)
        assert r.status_code == 201, r.text
        assert len(registrations(session, event.id)) == 2

    def test_another_member_cannot_cancel_mine(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0)
        _, _, mine = org_member(session)
        _, other = plain_member(session)
        assert register(client, event.id, mine).status_code == 201
        assert_error_shape(client.delete(f"{EVENTS}/{event.id}/registration", headers=other), 404)
        session.refresh(event)
        assert event.registered_count == 1
        assert [r.status for r in registrations(session, event.id)] == ["registered"]

    def test_after_start_is_409(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0)
        _, _, headers = org_member(session)
        assert register(client, event.id, headers).status_code == 201
        event.starts_at = utcnow() - timedelta(minutes=5)
        session.add(event)
        session.flush()
        assert_error_shape(client.delete(f"{EVENTS}/{event.id}/registration", headers=headers), 409, "event_started")
        assert_error_shape(client.delete(f"{EVENTS}/999999/registration", headers=headers), 404)


class TestMyEventRegistrations:
    def test_only_my_own(self, client: TestClient, session: Session) -> None:
        a = factories.event(session, title="甲活动")
        b = factories.event(session, title="乙活动")
        _, _, mine = org_member(session)
        _, _, other = org_member(session)
        assert register(client, a.id, mine).status_code == 201
        assert register(client, b.id, other).status_code == 201
        r = client.get("/api/v1/my/event-registrations", headers=mine)
        assert r.status_code == 200, r.text
        assert [x["event_title"] for x in r.json()] == ["甲活动"]
        assert "13912345678" not in r.text
        assert_error_shape(client.get("/api/v1/my/event-registrations"), 401)


def event_body(**kw: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "普陀科创集市·新能源专场",
        "event_type": "fair",
        "organizer": "普陀区科委",
        "starts_at": (utcnow() + timedelta(days=20)).isoformat(),
        "registration_deadline": (today_cn() + timedelta(days=15)).isoformat(),
        "capacity": 50,
        "venue": "创新里",
        "description": "路演与对接",
    }
    body.update(kw)
    return body


class TestStaffEventCreate:
    def test_city_admin_publishes_in_own_city(self, client: TestClient, session: Session) -> None:
        headers = staff_headers(session, city="wuxi")
        r = client.post(STAFF_EVENTS, json=event_body(), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["city_code"] == "wuxi" and r.json()["verification"] == "verified"
        blank = client.post(STAFF_EVENTS, json=event_body(industry_code=""), headers=headers)
        assert blank.status_code == 201, blank.text
        public = client.get(f"{EVENTS}/{r.json()['id']}")
        assert public.status_code == 200 and public.json()["registration_open"] is True
        assert session.exec(select(AuditLog).where(AuditLog.action == "event.create")).first() is not None

    def test_other_city_and_roles(self, client: TestClient, session: Session) -> None:
        wuxi = staff_headers(session, city="wuxi")
        assert_error_shape(client.post(STAFF_EVENTS, json=event_body(city_code="nanjing"), headers=wuxi), 403)
        district = staff_headers(session, role=StaffRole.district_admin, city=None)
        assert_error_shape(client.post(STAFF_EVENTS, json=event_body(), headers=district), 422, "city_required")
        r = client.post(STAFF_EVENTS, json=event_body(city_code="nanjing"), headers=district)
        assert r.status_code == 201, r.text
        reviewer = staff_headers(session, role=StaffRole.reviewer)
        assert_error_shape(client.post(STAFF_EVENTS, json=event_body(), headers=reviewer), 403, "role_forbidden")
        _, _, member = org_member(session)
        assert_error_shape(client.post(STAFF_EVENTS, json=event_body(), headers=member), 401)

    def test_bad_body_is_422(self, client: TestClient, session: Session) -> None:
        headers = staff_headers(session)
        bad = [
            event_body(starts_at="2030-01-01T10:00:00"),  # naive time
            event_body(ends_at=(utcnow() + timedelta(days=1)).isoformat()),  # before the start
            event_body(capacity=0),
            event_body(event_type="party"),
            event_body(registered_count=3),
            event_body(industries=["no-such-industry"]),
            event_body(industries=[""]),
        ]
        for body in bad:
            assert_error_shape(client.post(STAFF_EVENTS, json=body, headers=headers), 422)


class TestStaffEventUpdate:
    def test_capacity_never_below_registered(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=10, registered_count=4)
        headers = staff_headers(session)
        r = client.patch(f"{STAFF_EVENTS}/{event.id}", json={"capacity": 3}, headers=headers)
        assert_error_shape(r, 409, "capacity_below_registered")
        session.refresh(event)
        assert event.capacity == 10
        r = client.patch(f"{STAFF_EVENTS}/{event.id}", json={"capacity": 4, "venue": "新场地"}, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["capacity"] == 4 and r.json()["venue"] == "新场地"
        r = client.patch(f"{STAFF_EVENTS}/{event.id}", json={"starts_at": None, "title": None}, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["title"] == event.title
        r = client.patch(f"{STAFF_EVENTS}/{event.id}", json={"capacity": None}, headers=headers)
        assert r.status_code == 200 and r.json()["capacity"] is None

    def test_other_city_is_404_and_unchanged(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, city_code="nanjing", title="南京活动")
        headers = staff_headers(session, city="wuxi")
        assert_error_shape(client.patch(f"{STAFF_EVENTS}/{event.id}", json={"title": "改名活动"}, headers=headers), 404)
        session.refresh(event)
        assert event.title == "南京活动"


class TestStaffEventRegistrations:
    def test_organiser_sees_full_list_other_city_does_not(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0)
        _, _, a = org_member(session)
        _, _, b = org_member(session)
        assert register(client, event.id, a, contact_name="张三").status_code == 201
        assert register(client, event.id, b, contact_name="李四").status_code == 201
        assert client.delete(f"{EVENTS}/{event.id}/registration", headers=b).status_code == 204
        r = client.get(f"{STAFF_EVENTS}/{event.id}/registrations", headers=staff_headers(session))
        assert r.status_code == 200, r.text
        assert [(x["contact_name"], x["contact_phone"]) for x in r.json()] == [("张三", "13912345678")]
        other = staff_headers(session, city="nanjing")
        assert_error_shape(client.get(f"{STAFF_EVENTS}/{event.id}/registrations", headers=other), 404)


class TestStaffEventRegistrationsExport:
    def test_xlsx_lists_the_registrations(self, client: TestClient, session: Session) -> None:
        event = factories.event(session, capacity=5, registered_count=0, title="路演日")
        org, _, a = org_member(session, "南通某企业")
        assert register(client, event.id, a, contact_name="张三").status_code == 201
        r = client.get(f"{STAFF_EVENTS}/{event.id}/registrations.xlsx", headers=staff_headers(session))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws is not None
        rows = list(ws.iter_rows(values_only=True))
        assert "路演日" in str(rows[0][0])
        assert rows[1][:4] == ("序号", "单位", "姓名", "电话")
        assert rows[2][:4] == (1, org.name, "张三", "13912345678")
        assert len(rows) == 3
        assert session.exec(select(AuditLog).where(AuditLog.action == "event.registrations.export")).first()

    def test_other_city_is_404(self, client: TestClient, session: Session) -> None:
        event = factories.event(session)
        other = staff_headers(session, city="taizhou")
        assert_error_shape(client.get(f"{STAFF_EVENTS}/{event.id}/registrations.xlsx", headers=other), 404)


def test_event_rows_are_unchanged_by_failed_requests(client: TestClient, session: Session) -> None:
    """A refused registration leaves no row and no count behind (every refusal happens before the first write)."""
    event = factories.event(session, capacity=1, registered_count=1)
    _, _, headers = org_member(session)
    assert_error_shape(register(client, event.id, headers), 409, "event_full")
    assert session.get(Event, event.id).registered_count == 1  # type: ignore[union-attr]
    assert registrations(session, event.id) == []
