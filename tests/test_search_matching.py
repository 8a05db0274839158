"""产业链 links, the 上下游 view of a demand, matching solvers to a demand and demands/policies to an organisation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import Verification
from tests import factories as f
from tests.contracts import assert_error_shape
from tests.test_search_api import demand


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def orgs(session: Session) -> dict[str, Any]:
    poster = f.organization(session, "泰州某化工新材料有限公司", "91321200MA1XXXXX01", city_code="taizhou")
    other = f.organization(session, "南京某电子有限公司", "91320100MA1XXXXX02", city_code="nanjing")
    solver = f.organization(
        session,
        "南京某催化研究院",
        "12320000MA1XXXXX03",
        org_type="institute",
        city_code="nanjing",
        capabilities="茂金属催化剂，聚烯烃催化，高分子表征",
        industries=["new_material"],
    )
    _, poster_token = f.member(session, "o-poster", org=poster)
    _, other_token = f.member(session, "o-other", org=other)
    _, solver_token = f.member(session, "o-solver", org=solver)
    return dict(
        poster=poster,
        other=other,
        solver=solver,
        poster_token=poster_token,
        other_token=other_token,
        solver_token=solver_token,
    )


class TestChainList:
    def test_nodes_carry_their_upstream_and_downstream(self, client: TestClient) -> None:
        r = client.get("/api/v1/chains")
        assert r.status_code == 200, r.text
        body = r.json()
        nodes = {n["name"]: n for c in body["chains"] for n in c["nodes"]}
        codes = {n["name"]: n["code"] for n in nodes.values()}
        assert codes["催化剂"] in nodes["高性能聚烯烃"]["upstream"]
        assert codes["新材料应用验证"] in nodes["高性能聚烯烃"]["downstream"]
        assert codes["锂电材料"] in nodes["石墨烯与碳材料"]["downstream"]  # across chains
        assert {"upstream": codes["催化剂"], "downstream": codes["高性能聚烯烃"], "note": "聚合催化剂"} in body["links"]


class TestDemandChain:
    def test_upstream_and_downstream_nodes_with_their_demands(
        self, session: Session, client: TestClient, orgs: dict[str, Any]
    ) -> None:
        d = demand(
            session,
            title="茂金属聚乙烯薄膜料开发",
            chain_code="new_material",
            chain_node_code="new_material.3",
            org_id=orgs["poster"].id,
        )
        up = demand(session, title="高活性催化剂载体", chain_code="new_material", chain_node_code="new_material.2")
        down = demand(session, title="聚烯烃隔膜基料验证", chain_code="new_energy", chain_node_code="new_energy.1")
        demand(session, title="未公开的催化剂榜单", chain_node_code="new_material.2", status="draft")
        r = client.get(f"/api/v1/demands/{d.id}/chain")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["node"]["name"] == "高性能聚烯烃" and body["node_inferred"] is False
        ups = {v["node"]["name"]: v for v in body["upstream"]}
        assert set(ups) == {"基础化工原料", "催化剂"}
        assert [x["id"] for x in ups["催化剂"]["demands"]] == [up.id] and ups["催化剂"]["demand_count"] == 1
        assert ups["催化剂"]["note"] == "聚合催化剂"
        downs = {v["node"]["name"]: v for v in body["downstream"]}
        assert set(downs) == {"新材料应用验证", "锂电材料"}
        assert [x["id"] for x in downs["锂电材料"]["demands"]] == [down.id]
        assert body["same_node"]["demands"] == []  # the demand itself is not listed

    def test_node_inferred_from_title(self, session: Session, client: TestClient) -> None:
        d = demand(session, title="光刻胶国产化替代验证", chain_code="ic")
        body = client.get(f"/api/v1/demands/{d.id}/chain").json()
        assert body["node"]["name"] == "半导体材料与装备" and body["node_inferred"] is True
        assert {v["node"]["name"] for v in body["downstream"]} == {"晶圆制造"}

    def test_unpublished_demand_only_for_its_organisation(
        self, session: Session, client: TestClient, orgs: dict[str, Any]
    ) -> None:
        d = demand(session, title="草稿：催化剂寿命", status="draft", org_id=orgs["poster"].id)
        url = f"/api/v1/demands/{d.id}/chain"
        assert_error_shape(client.get(url), 404)
        assert_error_shape(client.get(url, headers=auth(orgs["other_token"])), 404)
        assert client.get(url, headers=auth(orgs["poster_token"])).status_code == 200
        assert_error_shape(client.get("/api/v1/demands/2147483647/chain"), 404)
        assert_error_shape(client.get("/api/v1/demands/0/chain"), 422)


@pytest.fixture()
def solvers(session: Session) -> dict[str, Any]:
    return dict(
        lab=f.resource(
            session,
            name="聚烯烃催化重点实验室",
            kind="platform",
            city_code="nanjing",
            capabilities="茂金属催化剂设计、聚烯烃催化聚合评价",
            industry_code="new_material",
        ),
        expert=f.expert(
            session,
            name="李教授",
            affiliation="常州大学",
            fields=["催化剂", "分子筛"],
            bio="从事烯烃聚合催化剂研究",
            city_code="changzhou",
        ),
        validation=f.resource(
            session,
            name="新材料应用验证中心",
            kind="poc_center",
            city_code="zhenjiang",
            capabilities="薄膜料应用验证与性能评价",
        ),
        unrelated=f.resource(session, name="芯片失效分析实验室", kind="platform", capabilities="芯片封装失效分析"),
        space=f.resource(session, name="聚烯烃产业园标准厂房", kind="space", capabilities="聚烯烃企业入驻"),
    )


class TestDemandMatches:
    def test_ranked_solvers_with_reasons(
        self, session: Session, client: TestClient, orgs: dict[str, Any], solvers: dict[str, Any]
    ) -> None:
        d = demand(
            session,
            title="茂金属聚烯烃催化剂国产化",
            keywords=["聚烯烃催化", "茂金属"],
            chain_code="new_material",
            chain_node_code="new_material.3",
            industry_code="new_material",
            org_id=orgs["poster"].id,
        )
        r = client.get(f"/api/v1/demands/{d.id}/matches")
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        keys = [(i["kind"], i["id"]) for i in items]
        assert keys[0] in {("resource", solvers["lab"].id), ("organization", orgs["solver"].id)}
        assert ("resource", solvers["lab"].id) in keys and ("organization", orgs["solver"].id) in keys
        assert ("expert", solvers["expert"].id) in keys
        assert ("resource", solvers["unrelated"].id) not in keys
        assert ("resource", solvers["space"].id) not in keys  # a building does not solve a demand
        assert ("organization", orgs["poster"].id) not in keys  # the poster is no solver of its own demand
        lab = next(i for i in items if i["id"] == solvers["lab"].id and i["kind"] == "resource")
        codes = {x["code"] for x in lab["reasons"]}
        assert "shared_terms" in codes and "same_chain_node" in codes
        assert any("聚烯烃催化" in x["label"] for x in lab["reasons"])
        expert = next(i for i in items if i["kind"] == "expert")
        assert "upstream" in {x["code"] for x in expert["reasons"]}  # 催化剂 supplies 高性能聚烯烃
        assert "neighbour_city" in {x["code"] for x in expert["reasons"]}  # 常州 is next to 泰州
        scores = [i["score"] for i in items]
        assert scores == sorted(scores, reverse=True)
        assert client.get(f"/api/v1/demands/{d.id}/matches").json() == r.json()  # deterministic

    def test_unpublished_demand_only_for_its_organisation(
        self, session: Session, client: TestClient, orgs: dict[str, Any]
    ) -> None:
        d = demand(session, title="待审：聚烯烃催化", status="pending_review", org_id=orgs["poster"].id)
        url = f"/api/v1/demands/{d.id}/matches"
        assert_error_shape(client.get(url), 404)
        assert_error_shape(client.get(url, headers=auth(orgs["other_token"])), 404)
        assert client.get(url, headers=auth(orgs["poster_token"])).status_code == 200
        assert_error_shape(client.get(url, params={"limit": 51}), 422)


class TestOrgRecommendations:
    def test_demands_and_policies_that_fit(self, session: Session, client: TestClient, orgs: dict[str, Any]) -> None:
        fit = demand(session, title="聚烯烃催化剂活性提升", keywords=["聚烯烃催化"], city_code="taizhou")
        misfit = demand(session, title="手机取证工具开发", keywords=["电子数据取证"])
        own = f.policy(
            session,
            title="南京市新型研发机构奖励",
            category="innovation",
            city_code="nanjing",
            level="city",
            eligibility="在宁新型研发机构、科研院所",
        )
        wide = f.policy(session, title="江苏省新材料首批次奖励", category="subsidy", city_code="wuxi", level="province")
        elsewhere = f.policy(session, title="普陀区研发补贴", category="subsidy", city_code="putuo", level="district")
        expired = f.policy(
            session,
            title="南京市过期政策",
            category="innovation",
            city_code="nanjing",
            valid_to=date.today() - timedelta(days=1),
        )
        tax = f.policy(session, title="南京市企业所得税优惠", category="tax", city_code="nanjing")
        r = client.get(f"/api/v1/orgs/{orgs['solver'].id}/recommendations", headers=auth(orgs["solver_token"]))
        assert r.status_code == 200, r.text
        body = r.json()
        demand_ids = [i["id"] for i in body["demands"]]
        assert fit.id in demand_ids and misfit.id not in demand_ids
        fit_item = body["demands"][demand_ids.index(fit.id)]
        assert "shared_terms" in {x["code"] for x in fit_item["reasons"]}
        policy_ids = [i["id"] for i in body["policies"]]
        assert own.id in policy_ids and wide.id in policy_ids
        assert elsewhere.id not in policy_ids and expired.id not in policy_ids
        assert tax.id not in policy_ids  # an institute is no taxpayer of that kind
        own_item = body["policies"][policy_ids.index(own.id)]
        assert {"category_fits", "applicant_fits", "same_city"} <= {x["code"] for x in own_item["reasons"]}
        assert policy_ids.index(own.id) < policy_ids.index(wide.id)

    def test_only_members_of_the_organisation(self, client: TestClient, orgs: dict[str, Any]) -> None:
        url = f"/api/v1/orgs/{orgs['solver'].id}/recommendations"
        assert_error_shape(client.get(url), 401)
        assert_error_shape(client.get(url, headers=auth(orgs["other_token"])), 403, "not_your_org")
        missing = client.get("/api/v1/orgs/2147483647/recommendations", headers=auth(orgs["other_token"]))
        assert_error_shape(missing, 404)

    def test_unverified_policies_are_not_recommended(
        self, session: Session, client: TestClient, orgs: dict[str, Any]
    ) -> None:
        hidden = f.policy(
            session,
            title="南京市科研院所专项",
            category="innovation",
            city_code="nanjing",
            verification=Verification.pending,
        )
        r = client.get(f"/api/v1/orgs/{orgs['solver'].id}/recommendations", headers=auth(orgs["solver_token"]))
        assert hidden.id not in [i["id"] for i in r.json()["policies"]]
