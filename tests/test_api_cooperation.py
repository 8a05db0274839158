from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.contracts import DetailContract, ListContract, ids

ITEMS = "/api/v1/cooperation/items"


class TestCooperationItemList(ListContract):
    url = ITEMS
    make = factories.cooperation_item
    enum_params = ("coop_type", "tense")

    def test_filter_coop_type(self, client: TestClient, session: Session) -> None:
        event = factories.cooperation_item(session, coop_type="joint_event")
        factories.cooperation_item(session, coop_type="chain")
        factories.cooperation_item(session, coop_type="cross_city")
        assert ids(client.get(ITEMS, params={"coop_type": "joint_event"})) == [event.id]

    def test_filter_tense(self, client: TestClient, session: Session) -> None:
        past = factories.cooperation_item(session, tense="past")
        present = factories.cooperation_item(session, tense="present")
        future = factories.cooperation_item(session, tense="future")
        assert ids(client.get(ITEMS, params={"tense": "past"})) == [past.id]
        assert ids(client.get(ITEMS, params={"tense": "present"})) == [present.id]
        assert ids(client.get(ITEMS, params={"tense": "future"})) == [future.id]

    def test_city_sees_items_it_leads_or_joins(self, client: TestClient, session: Session) -> None:
        led = factories.cooperation_item(session, city_code="nantong", partner_cities=["suzhou"])
        joined = factories.cooperation_item(session, city_code="suzhou", partner_cities=["nantong", "wuxi"])
        factories.cooperation_item(session, city_code="suzhou", partner_cities=["wuxi"])
        assert set(ids(client.get(ITEMS, params={"city": "nantong"}))) == {led.id, joined.id}
        assert ids(client.get(ITEMS, params={"city": "taizhou"})) == []

    def test_filters_combine(self, client: TestClient, session: Session) -> None:
        hit = factories.cooperation_item(session, city_code="zhenjiang", coop_type="chain", tense="future")
        factories.cooperation_item(session, city_code="zhenjiang", coop_type="chain", tense="past")
        factories.cooperation_item(session, city_code="zhenjiang", coop_type="cross_city", tense="future")
        params = {"city": "zhenjiang", "coop_type": "chain", "tense": "future"}
        assert ids(client.get(ITEMS, params=params)) == [hit.id]


class TestCooperationItemGet(DetailContract):
    url = ITEMS
    make = factories.cooperation_item
    has_phone = False

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.cooperation_item(session, description="合作内容")
        body = client.get(f"{ITEMS}/{row.id}").json()
        assert body["description"] == "合作内容" and body["partner_cities"] == ["putuo", "changzhou"]
        assert body["tense"] == "present"
