from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import utcnow
from app.core.timeutil import today_cn
from tests import factories
from tests.contracts import DetailContract, ListContract, ids

ACHIEVEMENTS = "/api/v1/showcase/achievements"
EVENTS = "/api/v1/showcase/events"


class TestAchievementList(ListContract):
    url = ACHIEVEMENTS
    make = factories.achievement
    enum_params = ("ip_type", "transfer_mode")

    def test_filter_ip_type(self, client: TestClient, session: Session) -> None:
        sw = factories.achievement(session, ip_type="software")
        factories.achievement(session, ip_type="invention_patent")
        assert ids(client.get(ACHIEVEMENTS, params={"ip_type": "software"})) == [sw.id]

    def test_filter_transfer_mode_in_list(self, client: TestClient, session: Session) -> None:
        equity = factories.achievement(session, transfer_modes=["equity", "joint"])
        licence = factories.achievement(session, transfer_modes=["transfer", "license"])
        factories.achievement(session, transfer_modes=[])
        assert ids(client.get(ACHIEVEMENTS, params={"transfer_mode": "equity"})) == [equity.id]
        assert ids(client.get(ACHIEVEMENTS, params={"transfer_mode": "license"})) == [licence.id]

    def test_filter_trl_min(self, client: TestClient, session: Session) -> None:
        factories.achievement(session, trl=3)
        six = factories.achievement(session, trl=6)
        nine = factories.achievement(session, trl=9)
        assert set(ids(client.get(ACHIEVEMENTS, params={"trl_min": 6}))) == {six.id, nine.id}
        assert ids(client.get(ACHIEVEMENTS, params={"trl_min": 9})) == [nine.id]
        for bad in (0, 10):
            assert client.get(ACHIEVEMENTS, params={"trl_min": bad}).status_code == 422

    def test_price_negotiable(self, client: TestClient, session: Session) -> None:
        priced = factories.achievement(session, price_wan_yuan=80.0)
        negotiable = factories.achievement(session, price_wan_yuan=None)
        items = {i["id"]: i for i in client.get(ACHIEVEMENTS).json()["items"]}
        assert items[priced.id]["price_negotiable"] is False and items[priced.id]["price_wan_yuan"] == 80.0
        assert items[negotiable.id]["price_negotiable"] is True and items[negotiable.id]["price_wan_yuan"] is None


class TestAchievementGet(DetailContract):
    url = ACHIEVEMENTS
    make = factories.achievement

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.achievement(session, price_wan_yuan=None)
        body = client.get(f"{ACHIEVEMENTS}/{row.id}").json()
        assert body["price_negotiable"] is True
        assert body["media"] == [{"type": "image", "url": "https://example.com/a.jpg", "title": ""}]
        assert body["transfer_modes"] == ["transfer", "license"]


class TestEventList(ListContract):
    url = EVENTS
    make = factories.event
    enum_params = ("event_type",)
    extra_sorts = ("deadline",)

    def test_filter_event_type(self, client: TestClient, session: Session) -> None:
        roadshow = factories.event(session, event_type="roadshow")
        factories.event(session, event_type="fair")
        assert ids(client.get(EVENTS, params={"event_type": "roadshow"})) == [roadshow.id]

    def test_filter_upcoming(self, client: TestClient, session: Session) -> None:
        now = utcnow()
        coming = factories.event(session, starts_at=now + timedelta(days=3))
        ongoing = factories.event(session, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(days=1))
        over = factories.event(session, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=2))
        started = factories.event(session, starts_at=now - timedelta(hours=1), ends_at=None)
        assert set(ids(client.get(EVENTS, params={"upcoming": "true"}))) == {coming.id, ongoing.id}
        assert set(ids(client.get(EVENTS, params={"upcoming": "false"}))) == {over.id, started.id}
        assert len(ids(client.get(EVENTS))) == 4
        assert client.get(EVENTS, params={"upcoming": "maybe"}).status_code == 422

    def test_sort_deadline_soonest_upcoming_first(self, client: TestClient, session: Session) -> None:
        now = utcnow()
        later = factories.event(session, starts_at=now + timedelta(days=30))
        long_past = factories.event(session, starts_at=now - timedelta(days=30))
        soon = factories.event(session, starts_at=now + timedelta(days=1))
        recent_past = factories.event(session, starts_at=now - timedelta(days=1))
        r = client.get(EVENTS, params={"sort": "deadline"})
        assert ids(r) == [soon.id, later.id, recent_past.id, long_past.id]

    def test_registration_open(self, client: TestClient, session: Session) -> None:
        now, today = utcnow(), today_cn()
        open_ = factories.event(session, capacity=10, registered_count=9)
        full = factories.event(session, capacity=10, registered_count=10)
        closed = factories.event(session, registration_deadline=today - timedelta(days=1))
        started = factories.event(session, starts_at=now - timedelta(hours=1), registration_deadline=None)
        unlimited = factories.event(session, capacity=None, registered_count=500, registration_deadline=None)
        items = {i["id"]: i["registration_open"] for i in client.get(EVENTS).json()["items"]}
        assert items == {open_.id: True, full.id: False, closed.id: False, started.id: False, unlimited.id: True}


class TestEventGet(DetailContract):
    url = EVENTS
    make = factories.event
    has_phone = False

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.event(session, description="活动介绍", venue="会展中心")
        body = client.get(f"{EVENTS}/{row.id}").json()
        assert body["description"] == "活动介绍" and body["venue"] == "会展中心"
        assert body["starts_at"].endswith(("Z", "+00:00"))
