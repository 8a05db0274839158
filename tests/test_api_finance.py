from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.contracts import DetailContract, ListContract, ids

FUNDS = "/api/v1/finance/funds"
PRODUCTS = "/api/v1/finance/products"
NEEDS = "/api/v1/finance/financing-needs"
STATIONS = "/api/v1/finance/stations"


class TestFundList(ListContract):
    url = FUNDS
    make = factories.fund
    enum_params = ("stage",)

    def test_filter_stage_in_list(self, client: TestClient, session: Session) -> None:
        early = factories.fund(session, stages=["seed", "angel"])
        late = factories.fund(session, stages=["growth", "pre_ipo"])
        factories.fund(session, stages=[])
        assert ids(client.get(FUNDS, params={"stage": "angel"})) == [early.id]
        assert ids(client.get(FUNDS, params={"stage": "pre_ipo"})) == [late.id]
        assert ids(client.get(FUNDS, params={"stage": "b"})) == []

    def test_stage_a_does_not_match_other_stages(self, client: TestClient, session: Session) -> None:
        # "a" is a substring of "angel" and "pre_ipo"…: only the whole element may match.
        factories.fund(session, stages=["angel", "growth"])
        a = factories.fund(session, stages=["a"])
        assert ids(client.get(FUNDS, params={"stage": "a"})) == [a.id]

    def test_filter_stage_pages_and_counts_in_the_database(self, client: TestClient, session: Session) -> None:
        for _ in range(3):
            factories.fund(session, stages=["b"])
            factories.fund(session, stages=["seed"])
        r = client.get(FUNDS, params={"stage": "b", "page_size": 2})
        assert r.json()["total"] == 3 and len(r.json()["items"]) == 2 and r.json()["has_more"] is True

    def test_filter_manager(self, client: TestClient, session: Session) -> None:
        banma = factories.fund(session, manager="半马苏河基金管理有限公司")
        factories.fund(session, manager="长三角投资管理有限公司")
        assert ids(client.get(FUNDS, params={"manager": "苏河"})) == [banma.id]


class TestFundGet(DetailContract):
    url = FUNDS
    make = factories.fund

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.fund(session, size_yi_yuan=12.5, stages=["a", "b"])
        body = client.get(f"{FUNDS}/{row.id}").json()
        assert body["size_yi_yuan"] == 12.5 and body["stages"] == ["a", "b"] and body["description"]


class TestFinancialProductList(ListContract):
    url = PRODUCTS
    make = factories.financial_product
    enum_params = ("product_type",)

    def test_filter_product_type(self, client: TestClient, session: Session) -> None:
        pledge = factories.financial_product(session, product_type="ip_pledge")
        factories.financial_product(session, product_type="tech_loan")
        factories.financial_product(session, product_type="insurance")
        assert ids(client.get(PRODUCTS, params={"product_type": "ip_pledge"})) == [pledge.id]

    def test_summary(self, client: TestClient, session: Session) -> None:
        factories.financial_product(session, institution="江苏银行", amount_max_wan_yuan=300)
        item = client.get(PRODUCTS).json()["items"][0]
        assert item["institution"] == "江苏银行" and item["amount_max_wan_yuan"] == 300
        assert "eligibility" not in item


class TestFinancialProductGet(DetailContract):
    url = PRODUCTS
    make = factories.financial_product

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.financial_product(session, eligibility="高新技术企业")
        assert client.get(f"{PRODUCTS}/{row.id}").json()["eligibility"] == "高新技术企业"


class TestFinancingNeedList(ListContract):
    url = NEEDS
    make = factories.financing_need
    enum_params = ("stage",)

    def test_filter_stage(self, client: TestClient, session: Session) -> None:
        seed = factories.financing_need(session, stage="seed")
        factories.financing_need(session, stage="a")
        assert ids(client.get(NEEDS, params={"stage": "seed"})) == [seed.id]

    def test_summary(self, client: TestClient, session: Session) -> None:
        factories.financing_need(session, amount_wan_yuan=800)
        item = client.get(NEEDS).json()["items"][0]
        assert item["amount_wan_yuan"] == 800 and "use_of_funds" not in item


class TestFinancingNeedGet(DetailContract):
    url = NEEDS
    make = factories.financing_need

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.financing_need(session, use_of_funds="扩产")
        assert client.get(f"{NEEDS}/{row.id}").json()["use_of_funds"] == "扩产"


class TestServiceStationList(ListContract):
    url = STATIONS
    make = factories.service_station

    def test_points_for_the_map(self, client: TestClient, session: Session) -> None:
        factories.service_station(session, lat=32.0, lng=118.8)
        item = client.get(STATIONS).json()["items"][0]
        assert (item["lat"], item["lng"]) == (32.0, 118.8) and "services" not in item


class TestServiceStationGet(DetailContract):
    url = STATIONS
    make = factories.service_station

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.service_station(session, services="融资路演")
        assert client.get(f"{STATIONS}/{row.id}").json()["services"] == "融资路演"
