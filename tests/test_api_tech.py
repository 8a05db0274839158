from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories
from tests.contracts import DetailContract, ListContract, ids

MANAGERS = "/api/v1/tech/managers"
ALLIANCES = "/api/v1/tech/alliances"


class TestTechManagerList(ListContract):
    url = MANAGERS
    make = factories.tech_manager

    def test_filter_field_keyword(self, client: TestClient, session: Session) -> None:
        battery = factories.tech_manager(session, name="甲", fields=["动力电池", "储能"])
        chip = factories.tech_manager(session, name="乙", fields=["芯片设计"])
        factories.tech_manager(session, name="丙", fields=[], bio="做过电池项目")
        assert ids(client.get(MANAGERS, params={"field": "电池"})) == [battery.id]
        assert ids(client.get(MANAGERS, params={"field": "芯片"})) == [chip.id]
        assert ids(client.get(MANAGERS, params={"field": "光刻"})) == []

    def test_field_keyword_is_literal_and_case_insensitive(self, client: TestClient, session: Session) -> None:
        ai = factories.tech_manager(session, fields=["AI 视觉"])
        factories.tech_manager(session, fields=["材料"])
        assert ids(client.get(MANAGERS, params={"field": "ai"})) == [ai.id]
        assert ids(client.get(MANAGERS, params={"field": "%"})) == []
        assert ids(client.get(MANAGERS, params={"field": "_"})) == []

    def test_summary_fields(self, client: TestClient, session: Session) -> None:
        factories.tech_manager(session, completed_count=7, fields=["光伏"])
        item = client.get(MANAGERS).json()["items"][0]
        assert item["completed_count"] == 7 and item["fields"] == ["光伏"]
        assert "bio" not in item and "certificate_no" not in item


class TestTechManagerGet(DetailContract):
    url = MANAGERS
    make = factories.tech_manager

    def test_profile(self, client: TestClient, session: Session) -> None:
        row = factories.tech_manager(session, bio="简介", certificate_no="NO-1")
        body = client.get(f"{MANAGERS}/{row.id}").json()
        assert body["bio"] == "简介" and body["certificate_no"] == "NO-1"


class TestAllianceList(ListContract):
    url = ALLIANCES
    make = factories.alliance

    def test_filter_chain(self, client: TestClient, session: Session) -> None:
        energy = factories.alliance(session, chain_code="new_energy")
        robots = factories.alliance(session, chain_code="robotics")
        factories.alliance(session, chain_code=None)
        assert ids(client.get(ALLIANCES, params={"chain_code": "new_energy"})) == [energy.id]
        assert ids(client.get(ALLIANCES, params={"chain_code": "robotics"})) == [robots.id]
        assert ids(client.get(ALLIANCES, params={"chain_code": "no_such_chain"})) == []

    def test_member_count_without_members(self, client: TestClient, session: Session) -> None:
        factories.alliance(session)
        item = client.get(ALLIANCES).json()["items"][0]
        assert item["member_count"] == 2 and "members" not in item and "description" not in item

    def test_chain_code_too_long_is_422(self, client: TestClient) -> None:
        r = client.get(ALLIANCES, params={"chain_code": "x" * 33})
        assert r.status_code == 422, r.text


class TestAllianceGet(DetailContract):
    url = ALLIANCES
    make = factories.alliance
    has_phone = False

    def test_members(self, client: TestClient, session: Session) -> None:
        row = factories.alliance(session)
        body = client.get(f"{ALLIANCES}/{row.id}").json()
        assert body["members"] == [
            {"name": "南京工业大学", "role": "牵头", "city": "nanjing"},
            {"name": "常州某企业", "role": "成员", "city": ""},
        ]
        assert body["description"] == "一院一链：新能源"
