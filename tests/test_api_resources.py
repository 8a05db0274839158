from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.contracts import DetailContract, ListContract, ids

URL = "/api/v1/resources/resources"


class TestResourceList(ListContract):
    url = URL
    make = factories.resource
    enum_params = ("kind", "platform_level")

    def test_filter_kind(self, client: TestClient, session: Session) -> None:
        space = factories.resource(session, kind="space", area_sqm=500, rent_free_terms="两年免租")
        factories.resource(session, kind="university")
        r = client.get(URL, params={"kind": "space"})
        assert ids(r) == [space.id]
        item = r.json()["items"][0]
        assert item["kind"] == "space" and item["area_sqm"] == 500 and item["rent_free_terms"] == "两年免租"

    def test_filter_platform_level(self, client: TestClient, session: Session) -> None:
        national = factories.resource(session, kind="platform", platform_level="national")
        factories.resource(session, kind="platform", platform_level="district")
        factories.resource(session, kind="platform", platform_level=None)
        assert ids(client.get(URL, params={"platform_level": "national"})) == [national.id]

    def test_filter_district(self, client: TestClient, session: Session) -> None:
        gulou = factories.resource(session, city_code="nanjing", district="鼓楼区")
        factories.resource(session, city_code="nanjing", district="江宁区")
        assert ids(client.get(URL, params={"district": "鼓楼区"})) == [gulou.id]
        assert ids(client.get(URL, params={"city": "nanjing", "district": "鼓楼区"})) == [gulou.id]
        assert ids(client.get(URL, params={"city": "wuxi", "district": "鼓楼区"})) == []

    def test_filters_combine(self, client: TestClient, session: Session) -> None:
        hit = factories.resource(session, city_code="suzhou", kind="incubator", industry_code="nano")
        factories.resource(session, city_code="suzhou", kind="park", industry_code="nano")
        factories.resource(session, city_code="suzhou", kind="incubator", industry_code="ai")
        factories.resource(session, city_code="nantong", kind="incubator", industry_code="nano")
        params = {"city": "suzhou", "kind": "incubator", "industry": "nano"}
        assert ids(client.get(URL, params=params)) == [hit.id]

    def test_points_for_the_map(self, client: TestClient, session: Session) -> None:
        factories.resource(session, lat=31.5, lng=120.3)
        item = client.get(URL).json()["items"][0]
        assert (item["lat"], item["lng"]) == (31.5, 120.3)


class TestResourceGet(DetailContract):
    url = URL
    make = factories.resource

    def test_full_public_record(self, client: TestClient, session: Session) -> None:
        row = factories.resource(
            session,
            capabilities="中试验证",
            open_services="仪器共享",
            website="https://example.com",
            org_credit_code="12100000425006117P",
        )
        r = client.get(f"{URL}/{row.id}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["capabilities"] == "中试验证" and body["open_services"] == "仪器共享"
        assert body["website"] == "https://example.com"
        assert "org_credit_code" not in body and "12100000425006117P" not in r.text

    def test_landline_is_masked(self, client: TestClient, session: Session) -> None:
        row = factories.resource(session, contact_phone="021-62233333")
        r = client.get(f"{URL}/{row.id}")
        phone = r.json()["contact_phone"]
        assert phone.startswith("021") and phone.endswith("****3333"), phone
        assert "62233333" not in r.text
