"""GET /api/v1/search: Chinese two-character words, long and partial terms, ASCII terms, filters, facets, ranking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import Verification, utcnow
from app.demands.models import Demand
from tests import factories as f
from tests.contracts import assert_error_shape

URL = "/api/v1/search"


def demand(session: Session, **kw: Any) -> Demand:
    data: dict[str, Any] = dict(
        title="高镍正极材料循环寿命提升",
        demand_type="tackling",
        status="published",
        city_code="taizhou",
        org_name="泰州某新能源科技有限公司",
        published_at=utcnow(),
        deadline=utcnow() + timedelta(days=60),
    )
    data.update(kw)
    return f.add(session, Demand(**data))  # type: ignore[no-any-return]


@pytest.fixture()
def corpus(session: Session) -> dict[str, Any]:
    """A small cross-board corpus; each query below has its own hits and near misses."""
    return {
        "battery_policy": f.policy(session, title="动力电池回收利用专项资金", city_code="changzhou"),
        "battery_demand": demand(session, title="固态电池界面阻抗降低", industry_code="new_energy"),
        "pool": f.policy(session, title="电动汽车充电站与储水池建设"),  # 电 … 池 but no 电池
        "chip": f.resource(session, name="芯片失效分析实验室", kind="platform", city_code="wuxi"),
        "testing": f.resource(
            session, name="新材料公共服务平台", capabilities="提供力学性能检测与成分分析", city_code="nanjing"
        ),
        "polyolefin": f.achievement(session, title="高活性聚烯烃催化剂及其制备方法", city_code="nanjing"),
        "perovskite": f.achievement(session, title="钙钛矿叠层太阳能电池", city_code="suzhou"),
        "graphene": f.expert(session, name="王某", fields=["石墨烯导热膜"], city_code="changzhou"),
        "sic": f.resource(session, name="SiC功率器件封测中试线", city_code="wuxi"),
        "mmwave": f.resource(session, name="毫米波暗室", description="覆盖28GHz频段的5G终端测试", city_code="nanjing"),
        "hidden": f.policy(session, title="未核验的电池芯片政策", verification=Verification.pending),
    }


def found(r: Any) -> set[tuple[str, int]]:
    assert r.status_code == 200, r.text
    return {(i["kind"], i["id"]) for i in r.json()["items"]}


def key(row: Any) -> tuple[str, int]:
    kind = {
        "Policy": "policy",
        "Resource": "resource",
        "Achievement": "achievement",
        "Expert": "expert",
        "Demand": "demand",
    }[type(row).__name__]
    return (kind, row.id)


class TestSearch:
    @pytest.mark.parametrize(
        ("q", "expected", "absent"),
        [
            ("电池", ["battery_policy", "battery_demand", "perovskite"], ["pool", "chip", "hidden"]),
            ("芯片", ["chip"], ["sic", "hidden"]),
            ("检测", ["testing"], ["chip"]),
            ("聚烯烃催化", ["polyolefin"], ["testing"]),
            ("钙钛矿", ["perovskite"], ["battery_demand"]),
            ("墨烯", ["graphene"], []),
            ("SiC", ["sic"], ["chip"]),
            ("sic", ["sic"], []),
            ("28GHz", ["mmwave"], []),
            ("5G", ["mmwave"], ["sic"]),
        ],
    )
    def test_finds_words_terms_parts_and_ascii(
        self, client: TestClient, corpus: dict[str, Any], q: str, expected: list[str], absent: list[str]
    ) -> None:
        got = found(client.get(URL, params={"q": q, "page_size": 50}))
        for name in expected:
            assert key(corpus[name]) in got, (q, name)
        for name in absent:
            assert key(corpus[name]) not in got, (q, name)

    def test_filters(self, client: TestClient, corpus: dict[str, Any]) -> None:
        assert found(client.get(URL, params={"q": "电池", "city": "changzhou"})) == {key(corpus["battery_policy"])}
        assert found(client.get(URL, params={"q": "电池", "board": "demands"})) == {key(corpus["battery_demand"])}
        assert found(client.get(URL, params={"q": "电池", "industry": "new_energy"})) == {key(corpus["battery_demand"])}
        assert found(client.get(URL, params={"q": "SiC", "type": "platform"})) == set()
        assert found(client.get(URL, params={"q": "芯片", "type": "platform"})) == {key(corpus["chip"])}

    def test_chain_node_filter_with_upstream_and_downstream(self, session: Session, client: TestClient) -> None:
        node = demand(session, title="催化剂评价平台共建", chain_code="new_material", chain_node_code="new_material.3")
        up = demand(session, title="催化剂载体开发", chain_code="new_material", chain_node_code="new_material.2")
        other = demand(session, title="催化剂回收", chain_code="biomed", chain_node_code="biomed.1")
        plain = found(client.get(URL, params={"q": "催化剂", "chain_node": "new_material.3"}))
        assert plain == {key(node)}
        linked = found(client.get(URL, params={"q": "催化剂", "chain_node": "new_material.3", "with_links": True}))
        assert linked == {key(node), key(up)} and key(other) not in linked

    def test_facets_and_highlight(self, client: TestClient, corpus: dict[str, Any]) -> None:
        r = client.get(URL, params={"q": "电池"})
        body = r.json()
        assert body["total"] == 3 and body["total_exact"] and body["facets_exact"]
        boards = {x["value"]: x["count"] for x in body["facets"]["board"]}
        assert boards == {"policy": 1, "demands": 1, "showcase": 1}
        cities = {x["value"]: x["count"] for x in body["facets"]["city"]}
        assert cities == {"changzhou": 1, "taizhou": 1, "suzhou": 1}
        assert {x["value"] for x in body["facets"]["industry"]} == {"new_energy"}
        label = next(x["label"] for x in body["facets"]["board"] if x["value"] == "demands")
        assert label == "揭榜挂帅"
        hit = next(i for i in body["items"] if i["kind"] == "demand")
        assert hit["title_html"] == "固态<em>电池</em>界面阻抗降低"
        assert hit["path"] == f"/api/v1/demands/{corpus['battery_demand'].id}"
        mm = client.get(URL, params={"q": "28GHz"}).json()["items"][0]
        assert "<em>28GHz</em>" in mm["snippet_html"]

    def test_title_over_body_then_fresh_over_stale(self, session: Session, client: TestClient) -> None:
        now = utcnow()
        body_fresh = f.policy(session, title="产业扶持办法", summary="支持锂电隔膜研发", published_at=now)
        title_old = f.policy(session, title="锂电隔膜攻关", published_at=now - timedelta(days=90))
        title_new = f.policy(session, title="锂电隔膜中试", published_at=now - timedelta(days=1))
        scattered = f.policy(session, title="锂电与电隔离隔膜", published_at=now - timedelta(days=200))
        order = [i["id"] for i in client.get(URL, params={"q": "锂电隔膜"}).json()["items"]]
        # whole term in the title (fresh first), then every bigram in the title, then the text only
        assert order == [title_new.id, title_old.id, scattered.id, body_fresh.id]

    def test_html_in_titles_is_escaped(self, session: Session, client: TestClient) -> None:
        f.policy(session, title="<b>石墨烯</b> 补贴")
        item = client.get(URL, params={"q": "石墨烯"}).json()["items"][0]
        assert item["title_html"] == "&lt;b&gt;<em>石墨烯</em>&lt;/b&gt; 补贴"

    def test_not_public_is_never_found(self, session: Session, client: TestClient) -> None:
        f.policy(session, title="草稿阶段的钠离子电池政策", verification=Verification.pending)
        demand(session, title="钠离子电池草稿榜单", status="draft")
        demand(session, title="钠离子电池待审榜单", status="pending_review")
        # organisations are indexed for matching only, never found by the public search
        f.organization(session, "钠离子电池研究院", "12320000MA1XXXXX09", capabilities="钠离子电池")
        assert client.get(URL, params={"q": "钠离子"}).json()["total"] == 0
        listed = f.policy(session, title="钠离子电池专项")
        assert found(client.get(URL, params={"q": "钠离子"})) == {key(listed)}

    def test_paging(self, session: Session, client: TestClient) -> None:
        for i in range(5):
            f.policy(session, title=f"氢能专项第{i}批")
        r = client.get(URL, params={"q": "氢能", "page_size": 2, "page": 3})
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) == 1 and body["total"] == 5 and body["has_more"] is False
        assert client.get(URL, params={"q": "氢能", "page_size": 2, "page": 2}).json()["has_more"] is True
        assert_error_shape(client.get(URL, params={"q": "氢能", "page_size": 2, "page": 4}), 404, "page_out_of_range")
        assert_error_shape(
            client.get(URL, params={"q": "氢能", "page_size": 50, "page": 21}), 422, "page_beyond_window"
        )

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"q": ""},
            {"q": "x" * 65},
            {"q": "电池", "board": "nope"},
            {"q": "电池", "city": "beijing"},
            {"q": "电池", "industry": "DROP TABLE"},
            {"q": "电池", "chain_node": "new_energy"},
            {"q": "电池", "page": 0},
            {"q": "电池", "page_size": 51},
            {"q": "电池", "unknown": "1"},
        ],
    )
    def test_bad_input_is_422(self, client: TestClient, params: dict[str, Any]) -> None:
        assert_error_shape(client.get(URL, params=params), 422)

    @pytest.mark.parametrize("q", ["！？…", "'\"*()", "AND OR NOT", '" OR 1=1 --'])
    def test_operators_and_punctuation_are_plain_text(self, client: TestClient, corpus: dict[str, Any], q: str) -> None:
        r = client.get(URL, params={"q": q})
        assert r.status_code in (200, 422), r.text
        if r.status_code == 422:
            assert_error_shape(r, 422, "query_empty")


class TestSearchBeyondWindow:
    """More matches than the window: the total is a lower bound, and title matches older than the window still rank
    first (the index is asked for them instead of the window's rows)."""

    def test_old_title_match_outranks_fresh_text_matches(
        self, session: Session, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from app.search import service

        now = utcnow()
        old_title = f.policy(session, title="氢燃料电堆攻关", published_at=now - timedelta(days=300))
        # Indexed oldest first, so the last is the freshest (the index's order is the order of publication).
        text_only = [
            f.policy(
                session, title=f"产业扶持办法{n}", summary="支持氢燃料电堆研发", published_at=now - timedelta(hours=n)
            )
            for n in (3, 2, 1, 0)
        ]
        monkeypatch.setattr(service, "RANK_WINDOW", 3)
        body = client.get(URL, params={"q": "氢燃料电堆", "page_size": 3}).json()
        assert (body["total"], body["total_exact"], body["facets_exact"]) == (3, False, False)
        assert [i["id"] for i in body["items"]] == [old_title.id, text_only[3].id, text_only[2].id]
