"""我的: favourites of any board item, subscriptions, and the inbox items that matching new items produce."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.models import Verification
from app.demands.models import Demand
from app.my.boards import BOARDS, BoardKind
from app.my.models import Favorite, InterestSubscription
from app.my.service import announce_policy, notify_subscribers
from app.notifications.models import Notification
from tests import factories
from tests.conftest import bearer
from tests.contracts import assert_error_shape

FAV = "/api/v1/me/favorites"
SUBS = "/api/v1/me/subscriptions"

BUILDERS: dict[BoardKind, Any] = {
    BoardKind.policy: factories.policy,
    BoardKind.resource: factories.resource,
    BoardKind.tech_manager: factories.tech_manager,
    BoardKind.alliance: factories.alliance,
    BoardKind.fund: factories.fund,
    BoardKind.financial_product: factories.financial_product,
    BoardKind.financing_need: factories.financing_need,
    BoardKind.service_station: factories.service_station,
    BoardKind.talent_service: factories.talent_service,
    BoardKind.job: factories.job,
    BoardKind.expert: factories.expert,
    BoardKind.training_programme: factories.training_programme,
    BoardKind.achievement: factories.achievement,
    BoardKind.event: factories.event,
    BoardKind.cooperation: factories.cooperation_item,
}


def demand(session: Session, **kw: Any) -> Demand:
    data: dict[str, Any] = dict(
        title="固态电池界面技术攻关", demand_type="tackling", status="published", city_code="changzhou", org_name="甲"
    )
    data.update(kw)
    return factories.add(session, Demand(**data))  # type: ignore[no-any-return]


def notes(session: Session, member_id: int) -> list[Notification]:
    return list(session.exec(select(Notification).where(Notification.member_id == member_id)).all())


class TestMyFavoriteAdd:
    def test_every_board_covered(self) -> None:
        assert set(BUILDERS) | {BoardKind.demand} == set(BOARDS)

    @pytest.mark.parametrize("board", list(BUILDERS))
    def test_public_item_of_any_board(self, client: TestClient, session: Session, board: BoardKind) -> None:
        _, token = factories.member(session, "ofake_a")
        item = BUILDERS[board](session)
        r = client.post(FAV, json={"board": board.value, "item_id": item.id}, headers=bearer(token))
        assert r.status_code == 201, r.text
        assert r.json()["available"] is True and r.json()["title"] == getattr(item, BOARDS[board].title)
        hidden = BUILDERS[board](session, verification=Verification.pending)
        r = client.post(FAV, json={"board": board.value, "item_id": hidden.id}, headers=bearer(token))
        assert_error_shape(r, 404, "item_not_found")

    def test_demand_public_only(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        shown, draft = demand(session), demand(session, status="draft")
        r = client.post(FAV, json={"board": "demand", "item_id": shown.id}, headers=bearer(token))
        assert r.status_code == 201, r.text
        r = client.post(FAV, json={"board": "demand", "item_id": draft.id}, headers=bearer(token))
        assert_error_shape(r, 404, "item_not_found")

    def test_twice_is_one_favourite(self, client: TestClient, session: Session) -> None:
        m, token = factories.member(session, "ofake_a")
        p = factories.policy(session)
        ids = {
            client.post(FAV, json={"board": "policy", "item_id": p.id}, headers=bearer(token)).json()["id"]
            for _ in range(2)
        }
        assert len(ids) == 1
        assert len(session.exec(select(Favorite).where(Favorite.member_id == m.id)).all()) == 1

    def test_unknown_board_missing_item_and_login(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        assert_error_shape(client.post(FAV, json={"board": "nope", "item_id": 1}, headers=bearer(token)), 422)
        assert_error_shape(client.post(FAV, json={"board": "policy", "item_id": 99999999}, headers=bearer(token)), 404)
        assert_error_shape(client.post(FAV, json={"board": "policy", "item_id": 1}), 401)


class TestMyFavoriteList:
    def test_own_only_and_withdrawn_items_greyed(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        p, r_ = factories.policy(session), factories.resource(session)
        gone = factories.policy(session, title="已撤回的政策")
        f1 = factories.favorite(session, a, "policy", p.id)
        f2 = factories.favorite(session, a, "resource", r_.id)
        f3 = factories.favorite(session, a, "policy", gone.id)
        factories.favorite(session, b, "policy", p.id)
        gone.verification = Verification.rejected
        session.add(gone)
        session.flush()
        r = client.get(FAV, headers=bearer(token))
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [i["id"] for i in items] == [f3.id, f2.id, f1.id]
        assert items[0]["available"] is False and items[0]["title"] == "（已下线）"
        assert items[1]["title"] == r_.name and items[2]["title"] == p.title
        r = client.get(FAV, params={"board": "policy", "item_id": p.id}, headers=bearer(token))
        assert [i["id"] for i in r.json()["items"]] == [f1.id]


class TestMyFavoriteRemove:
    def test_other_members_favourite_untouched(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        p = factories.policy(session)
        mine, theirs = factories.favorite(session, a, "policy", p.id), factories.favorite(session, b, "policy", p.id)
        assert_error_shape(client.delete(f"{FAV}/{theirs.id}", headers=bearer(token)), 404, "favorite_not_found")
        assert session.get(Favorite, theirs.id) is not None
        assert client.delete(f"{FAV}/{mine.id}", headers=bearer(token)).status_code == 204
        assert session.exec(select(Favorite).where(Favorite.id == mine.id)).first() is None


class TestMySubscriptionAdd:
    def test_keyword_industry_city(self, client: TestClient, session: Session) -> None:
        _, token = factories.member(session, "ofake_a")
        for body in (
            {"kind": "keyword", "value": "固态电池"},
            {"kind": "industry", "value": "new_energy"},
            {"kind": "city", "value": "suzhou"},
        ):
            r = client.post(SUBS, json=body, headers=bearer(token))
            assert r.status_code == 201, r.text
        assert [s["kind"] for s in client.get(SUBS, headers=bearer(token)).json()] == ["keyword", "industry", "city"]

    def test_values_checked(self, client: TestClient, session: Session) -> None:
        m, token = factories.member(session, "ofake_a")
        assert_error_shape(
            client.post(SUBS, json={"kind": "city", "value": "beijing"}, headers=bearer(token)), 422, "city_unknown"
        )
        assert_error_shape(
            client.post(SUBS, json={"kind": "industry", "value": "nope"}, headers=bearer(token)),
            422,
            "industry_unknown",
        )
        assert_error_shape(
            client.post(SUBS, json={"kind": "keyword", "value": "电"}, headers=bearer(token)), 422, "keyword_too_short"
        )
        assert_error_shape(client.post(SUBS, json={"kind": "other", "value": "xx"}, headers=bearer(token)), 422)
        assert session.exec(select(InterestSubscription).where(InterestSubscription.member_id == m.id)).all() == []

    def test_limit(self, client: TestClient, session: Session) -> None:
        m, token = factories.member(session, "ofake_a")
        for i in range(30):
            factories.interest(session, m, "keyword", f"词{i:02d}")
        r = client.post(SUBS, json={"kind": "keyword", "value": "再来一个"}, headers=bearer(token))
        assert_error_shape(r, 409, "subscription_limit")


class TestMySubscriptionList:
    def test_own_only(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        factories.interest(session, a, "city", "wuxi")
        factories.interest(session, b, "city", "nanjing")
        assert [s["value"] for s in client.get(SUBS, headers=bearer(token)).json()] == ["wuxi"]


class TestMySubscriptionRemove:
    def test_other_members_subscription_untouched(self, client: TestClient, session: Session) -> None:
        a, token = factories.member(session, "ofake_a")
        b, _ = factories.member(session, "ofake_b")
        mine, theirs = factories.interest(session, a, "city", "wuxi"), factories.interest(session, b, "city", "wuxi")
        assert_error_shape(client.delete(f"{SUBS}/{theirs.id}", headers=bearer(token)), 404)
        assert session.get(InterestSubscription, theirs.id) is not None
        assert client.delete(f"{SUBS}/{mine.id}", headers=bearer(token)).status_code == 204


class TestNotifySubscribers:
    def test_matching_members_get_one_inbox_item_each(self, session: Session) -> None:
        by_city, _ = factories.member(session, "ofake_city")
        by_industry, _ = factories.member(session, "ofake_ind")
        by_keyword, _ = factories.member(session, "ofake_kw")
        by_all, _ = factories.member(session, "ofake_all")
        nobody, _ = factories.member(session, "ofake_none")
        factories.interest(session, by_city, "city", "changzhou")
        factories.interest(session, by_industry, "industry", "new_energy")
        factories.interest(session, by_keyword, "keyword", "电解质")
        for kind, value in (("city", "changzhou"), ("keyword", "固态电池"), ("industry", "new_energy")):
            factories.interest(session, by_all, kind, value)
        factories.interest(session, nobody, "city", "nanjing")
        factories.interest(session, nobody, "keyword", "芯片")
        n = notify_subscribers(
            session,
            kind="demand",
            title="固态电池界面技术攻关",
            city="changzhou",
            industry_ids=["new_energy"],
            text="电解质与正极界面副反应",
            link="demand:7",
        )
        assert n == 4
        for m in (by_city, by_industry, by_keyword, by_all):
            (note,) = notes(session, m.id)
            assert note.kind == "subscription.demand" and note.link == "demand:7" and note.title.startswith("新榜单")
            assert note.push_status == "none"
        assert (
            "城市 常州" in notes(session, by_all.id)[0].body and "关键词 固态电池" in notes(session, by_all.id)[0].body
        )
        assert notes(session, nobody.id) == []
        # Announcing again notifies nobody twice.
        assert (
            notify_subscribers(session, kind="demand", title="固态电池界面技术攻关", city="changzhou", link="demand:7")
            == 0
        )

    def test_keyword_case_insensitive_and_exclusion(self, session: Session) -> None:
        poster, _ = factories.member(session, "ofake_poster")
        other, _ = factories.member(session, "ofake_other")
        factories.interest(session, poster, "keyword", "ai")
        factories.interest(session, other, "keyword", "ai")
        n = notify_subscribers(
            session, kind="demand", title="AI 视觉质检", city=None, link="demand:8", exclude_member_ids=[poster.id]
        )
        assert n == 1 and notes(session, poster.id) == [] and len(notes(session, other.id)) == 1

    def test_announce_policy(self, session: Session) -> None:
        m, _ = factories.member(session, "ofake_a")
        factories.interest(session, m, "city", "putuo")
        p = factories.policy(session)
        assert announce_policy(session, p) == 1
        assert notes(session, m.id)[0].link == f"policy:{p.id}"
