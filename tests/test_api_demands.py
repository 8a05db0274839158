"""我要发榜: the member API of 榜单 and the public list/detail."""

# ruff: noqa: F811  (the `world` fixture is imported, then named as a test argument)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.core.models import utcnow
from app.demands.models import Demand
from app.moderation import service as moderation
from tests import factories
from tests.contracts import assert_error_shape, ids
from tests.demand_world import DRAFT, REVIEW_WORD, RISKY_WORD, World, broken_check, content_check, kinds, world  # noqa: F401  (fixtures)

URL = "/api/v1/demands"


def create(client: TestClient, w: World, **over: Any) -> dict[str, Any]:
    r = client.post(URL, json=DRAFT | over, headers=w.poster.h)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def snapshot(session: Session, demand_id: int) -> dict[str, Any]:
    row = session.get(Demand, demand_id)
    assert row is not None
    session.refresh(row)
    return row.model_dump()


class TestDemandCreate:
    def test_draft_keeps_every_field(self, client: TestClient, session: Session, world: World) -> None:
        body = create(client, world)
        assert body["status"] == "draft"
        assert body["org_name"] == world.poster.org.name and body["city_code"] == "putuo"
        for key in ("title", "demand_type", "industry_code", "keywords", "description", "tech_targets"):
            assert body[key] == DRAFT[key]
        assert body["reward_wan_yuan"] == 150 and body["period_months"] == 18
        assert body["contact_phone"] == "13812345678"  # the owner sees its own number in full
        assert body["attachments"] == [{"name": "需求说明.pdf", "url": "https://files.example.com/a.pdf"}]
        assert datetime.fromisoformat(body["deadline"]) == datetime(2099, 12, 31, 9, tzinfo=UTC)
        row = session.get(Demand, body["id"])
        assert row is not None and row.poster_member_id == world.poster.member.id and row.source == "member"
        assert ids(client.get(URL)) == []

    def test_a_draft_may_be_partial(self, client: TestClient, world: World) -> None:
        r = client.post(URL, json={"title": "只有标题的草稿"}, headers=world.poster.h)
        assert r.status_code == 201, r.text
        assert r.json()["demand_type"] == "" and r.json()["deadline"] is None

    def test_empty_codes_mean_none_chosen(self, client: TestClient, session: Session, world: World) -> None:
        # Found by the fuzzer: "" went to the foreign key and answered 500.
        body = {"title": "空代码的草稿", "industry_code": "", "chain_code": " ", "chain_node_code": ""}
        r = client.post(URL, json=body, headers=world.poster.h)
        assert r.status_code == 201, r.text
        row = session.get(Demand, r.json()["id"])
        assert row is not None and (row.industry_code, row.chain_code, row.chain_node_code) == (None, None, None)
        r = client.patch(f"{URL}/{row.id}", json={"chain_code": ""}, headers=world.poster.h)
        assert r.status_code == 200, r.text

    def test_needs_login_and_verified_org(self, client: TestClient, world: World) -> None:
        assert_error_shape(client.post(URL, json=DRAFT), 401)
        assert_error_shape(client.post(URL, json=DRAFT, headers=world.no_org), 403, "org_required")

    def test_no_mass_assignment(self, client: TestClient, world: World) -> None:
        for extra in ({"status": "published"}, {"org_id": world.outsider.org.id}, {"city_code": "wuxi"}, {"x": 1}):
            assert_error_shape(client.post(URL, json=DRAFT | extra, headers=world.poster.h), 422, "validation_error")

    def test_bad_values(self, client: TestClient, world: World) -> None:
        for bad in (
            {"industry_code": "no_such"},
            {"chain_code": "no_such"},
            {"deadline": "2099-12-31T17:00:00"},
            {"demand_type": "other"},
            {"reward_wan_yuan": -1},
            {"title": ""},
            {"keywords": ["x" * 21]},
            {"attachments": [{"name": "a", "url": "ftp://x"}]},
        ):
            assert_error_shape(client.post(URL, json=DRAFT | bad, headers=world.poster.h), 422, "validation_error")


class TestDemandUpdate:
    def test_updates_only_given_fields(self, client: TestClient, world: World) -> None:
        d = create(client, world)
        r = client.patch(
            f"{URL}/{d['id']}",
            json={"title": "新的榜单名称", "reward_wan_yuan": None, "reward_negotiable": True},
            headers=world.poster.h,
        )
        assert r.status_code == 200, r.text
        assert r.json()["title"] == "新的榜单名称" and r.json()["reward_negotiable"] is True
        assert r.json()["reward_wan_yuan"] is None and r.json()["description"] == DRAFT["description"]

    def test_a_colleague_of_the_same_org_may_edit(self, client: TestClient, world: World) -> None:
        d = create(client, world)
        r = client.patch(f"{URL}/{d['id']}", json={"title": "同事修改"}, headers=world.poster_colleague.h)
        assert r.status_code == 200, r.text

    def test_other_org_gets_404_and_nothing_changes(self, client: TestClient, session: Session, world: World) -> None:
        d = create(client, world)
        before = snapshot(session, d["id"])
        for h in (world.outsider.h, world.solver.h):
            assert_error_shape(client.patch(f"{URL}/{d['id']}", json={"title": "篡改"}, headers=h), 404)
        assert_error_shape(client.patch(f"{URL}/{d['id']}", json={"title": "篡改"}, headers=world.no_org), 403)
        assert snapshot(session, d["id"]) == before

    def test_published_cannot_be_edited(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        r = client.patch(f"{URL}/{d.id}", json={"title": "改已发布"}, headers=world.poster.h)
        assert_error_shape(r, 409, "demand_edit_not_allowed")

    def test_rejected_stays_rejected_when_edited(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="rejected", reject_reason="指标不清")
        r = client.patch(f"{URL}/{d.id}", json={"tech_targets": "容量保持率 ≥ 92%"}, headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "rejected" and r.json()["reject_reason"] == "指标不清"

    def test_empty_body_and_unknown_id(self, client: TestClient, world: World) -> None:
        d = create(client, world)
        assert_error_shape(client.patch(f"{URL}/{d['id']}", json={}, headers=world.poster.h), 422)
        assert_error_shape(client.patch(f"{URL}/999999", json={"title": "无此榜"}, headers=world.poster.h), 404)


class TestDemandSubmit:
    def test_clean_text_waits_for_staff(self, client: TestClient, session: Session, world: World) -> None:
        d = create(client, world)
        r = client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "pending_review" and r.json()["submitted_at"]
        assert session.get(Demand, d["id"]).content_verdict == "pass"  # type: ignore[union-attr]
        assert ids(client.get(URL)) == []
        assert session.exec(select(AuditLog).where(AuditLog.action == "demand.submit")).first() is not None

    def test_incomplete_is_422_with_fields(self, client: TestClient, world: World) -> None:
        r = client.post(URL, json={"title": "只有标题的草稿"}, headers=world.poster.h)
        body = assert_error_shape(
            client.post(f"{URL}/{r.json()['id']}/submit", headers=world.poster.h), 422, "demand_incomplete"
        )
        fields = {e["field"] for e in body["detail"]}
        assert {"demand_type", "description", "deadline", "reward_wan_yuan", "contact_phone"} <= fields

    def test_reward_or_negotiable_not_both(self, client: TestClient, world: World) -> None:
        d = create(client, world, reward_negotiable=True)
        body = assert_error_shape(client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h), 422)
        assert [e["field"] for e in body["detail"]] == ["reward_wan_yuan"]

    def test_past_deadline_is_refused(self, client: TestClient, world: World) -> None:
        d = create(client, world, deadline="2020-01-01T00:00:00+08:00")
        body = assert_error_shape(client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h), 422)
        assert [e["field"] for e in body["detail"]] == ["deadline"]

    def test_risky_text_is_refused_and_stays_draft(self, client: TestClient, session: Session, world: World) -> None:
        d = create(client, world, description=f"需要{RISKY_WORD}相关的技术方案和样品")
        assert_error_shape(client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h), 422, "content_risky")
        assert snapshot(session, d["id"])["status"] == "draft"

    def test_review_verdict_is_flagged(self, client: TestClient, session: Session, world: World) -> None:
        d = create(client, world, eligibility=f"{REVIEW_WORD}的揭榜条件")
        r = client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert snapshot(session, d["id"])["content_verdict"] == "review"

    def test_check_down_fails_closed(self, client: TestClient, session: Session, world: World) -> None:
        d = create(client, world)
        moderation.install_checker(broken_check)
        r = client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "pending_review"
        assert snapshot(session, d["id"])["content_verdict"] == "unavailable"
        assert ids(client.get(URL)) == []

    def test_resubmit_after_rejection(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(
            session, world.poster.org, status="rejected", reject_reason="请补充指标", published_at=None
        )
        r = client.post(f"{URL}/{d.id}/submit", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "pending_review"

    def test_other_org_and_wrong_state(self, client: TestClient, session: Session, world: World) -> None:
        d = create(client, world)
        assert_error_shape(client.post(f"{URL}/{d['id']}/submit", headers=world.outsider.h), 404)
        assert snapshot(session, d["id"])["status"] == "draft"
        assert client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h).status_code == 200
        assert_error_shape(
            client.post(f"{URL}/{d['id']}/submit", headers=world.poster.h), 409, "demand_submit_not_allowed"
        )


class TestDemandWithdraw:
    def test_published_with_applicants(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        factories.demand_application(session, d, world.solver.org, world.solver.member)
        r = client.post(f"{URL}/{d.id}/withdraw", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "withdrawn" and r.json()["withdrawn_at"]
        assert "demand_withdrawn" in kinds(session, world.solver.member)
        assert_error_shape(client.get(f"{URL}/{d.id}"), 404)

    def test_not_after_award_and_not_by_others(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="awarded")
        assert_error_shape(
            client.post(f"{URL}/{d.id}/withdraw", headers=world.poster.h), 409, "demand_withdraw_not_allowed"
        )
        e = factories.demand(session, world.poster.org)
        for h in (world.outsider.h, world.solver.h):
            assert_error_shape(client.post(f"{URL}/{e.id}/withdraw", headers=h), 404)
        assert snapshot(session, e.id)["status"] == "published"


class TestDemandAward:
    def test_award_one_declines_the_rest(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        b = factories.demand_application(session, d, world.outsider.org, world.outsider.member)
        r = client.post(f"{URL}/{d.id}/award", json={"application_ids": [a.id]}, headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "awarded" and r.json()["awarded_at"]
        session.refresh(a)
        session.refresh(b)
        assert (a.status, b.status) == ("selected", "not_selected")
        assert "application_selected" in kinds(session, world.solver.member)
        assert "application_not_selected" in kinds(session, world.outsider.member)
        assert client.get(URL, params={"status": "awarded"}).json()["items"][0]["id"] == d.id

    def test_award_several(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        b = factories.demand_application(session, d, world.partner.org, world.partner.member, status="shortlisted")
        r = client.post(f"{URL}/{d.id}/award", json={"application_ids": [a.id, b.id]}, headers=world.poster.h)
        assert r.status_code == 200, r.text
        for row in (a, b):
            session.refresh(row)
            assert row.status == "selected"

    def test_after_the_deadline(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, deadline=utcnow() - timedelta(days=1))
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        r = client.post(f"{URL}/{d.id}/award", json={"application_ids": [a.id]}, headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["closed_at"] is not None

    def test_withdrawn_or_foreign_application_changes_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        d = factories.demand(session, world.poster.org)
        other = factories.demand(session, world.poster.org)
        gone = factories.demand_application(session, d, world.solver.org, world.solver.member, status="withdrawn")
        live = factories.demand_application(session, d, world.partner.org, world.partner.member)
        foreign = factories.demand_application(session, other, world.outsider.org, world.outsider.member)
        for chosen in ([gone.id], [live.id, foreign.id], [999999]):
            r = client.post(f"{URL}/{d.id}/award", json={"application_ids": chosen}, headers=world.poster.h)
            assert_error_shape(r, 409, "application_not_selectable")
        assert snapshot(session, d.id)["status"] == "published"
        session.refresh(live)
        assert live.status == "submitted"

    def test_only_the_poster(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        for h in (world.solver.h, world.outsider.h):
            r = client.post(f"{URL}/{d.id}/award", json={"application_ids": [a.id]}, headers=h)
            assert_error_shape(r, 404)
        session.refresh(a)
        assert a.status == "submitted" and snapshot(session, d.id)["status"] == "published"

    def test_wrong_state_and_bad_body(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="draft")
        r = client.post(f"{URL}/{d.id}/award", json={"application_ids": [1]}, headers=world.poster.h)
        assert_error_shape(r, 409, "demand_award_not_allowed")
        for bad in ({"application_ids": []}, {"application_ids": [1, 1]}, {"application_ids": [0]}, {}):
            assert_error_shape(client.post(f"{URL}/{d.id}/award", json=bad, headers=world.poster.h), 422)


ACCEPTANCE = {
    "accepted_on": "2027-06-30",
    "result": "passed",
    "notes": "各项指标达到榜单要求",
    "documents": [{"name": "验收报告.pdf", "url": "https://files.example.com/ys.pdf"}],
}


class TestDemandComplete:
    def test_completes_with_acceptance(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="awarded")
        factories.demand_application(session, d, world.solver.org, world.solver.member, status="selected")
        r = client.post(f"{URL}/{d.id}/complete", json=ACCEPTANCE, headers=world.poster.h)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "completed" and body["completed_at"]
        assert body["acceptance"] == {
            "accepted_on": "2027-06-30",
            "result": "passed",
            "notes": "各项指标达到榜单要求",
            "documents": [{"name": "验收报告.pdf", "url": "https://files.example.com/ys.pdf"}],
        }
        assert "demand_completed" in kinds(session, world.solver.member)
        assert client.get(f"{URL}/{d.id}").json()["status"] == "completed"

    def test_only_after_award_and_only_by_poster(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        assert_error_shape(
            client.post(f"{URL}/{d.id}/complete", json=ACCEPTANCE, headers=world.poster.h),
            409,
            "demand_complete_not_allowed",
        )
        e = factories.demand(session, world.poster.org, status="awarded")
        for h in (world.solver.h, world.outsider.h):
            assert_error_shape(client.post(f"{URL}/{e.id}/complete", json=ACCEPTANCE, headers=h), 404)
        assert snapshot(session, e.id)["status"] == "awarded"

    def test_risky_notes_and_bad_body(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="awarded")
        r = client.post(f"{URL}/{d.id}/complete", json=ACCEPTANCE | {"notes": RISKY_WORD}, headers=world.poster.h)
        assert_error_shape(r, 422, "content_risky")
        for bad in ({"result": "great"}, {"accepted_on": "yesterday"}, {"extra": 1}):
            assert_error_shape(
                client.post(f"{URL}/{d.id}/complete", json=ACCEPTANCE | bad, headers=world.poster.h), 422
            )
        assert snapshot(session, d.id)["status"] == "awarded"


class TestMyDemands:
    def test_lists_own_org_only_with_every_state(self, client: TestClient, session: Session, world: World) -> None:
        draft = create(client, world)
        published = factories.demand(session, world.poster.org)
        due = factories.demand(session, world.poster.org, deadline=utcnow() - timedelta(hours=1))
        factories.demand(session, world.outsider.org)
        r = client.get(f"{URL}/mine", headers=world.poster.h)
        assert sorted(ids(r)) == sorted([draft["id"], published.id, due.id])
        assert ids(client.get(f"{URL}/mine", params={"status": "closed"}, headers=world.poster.h)) == [due.id]
        assert ids(client.get(f"{URL}/mine", params={"status": "published"}, headers=world.poster.h)) == [published.id]
        assert ids(client.get(f"{URL}/mine", headers=world.poster_colleague.h)) == ids(r)
        assert draft["id"] not in ids(client.get(f"{URL}/mine", headers=world.outsider.h))
        assert_error_shape(client.get(f"{URL}/mine", headers=world.no_org), 403)
        assert_error_shape(client.get(f"{URL}/mine", params={"status": "nonsense"}, headers=world.poster.h), 422)


class TestMyDemandGet:
    def test_owner_sees_everything_others_404(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org, status="rejected", reject_reason="请补充技术指标")
        r = client.get(f"{URL}/mine/{d.id}", headers=world.poster.h)
        assert r.status_code == 200, r.text
        assert r.json()["reject_reason"] == "请补充技术指标" and r.json()["contact_phone"] == "13812345678"
        for h in (world.outsider.h, world.solver.h):
            assert_error_shape(client.get(f"{URL}/mine/{d.id}", headers=h), 404)


class TestDemandList:
    def test_only_public_states_with_deadline_applied(self, client: TestClient, session: Session, world: World) -> None:
        org = world.poster.org
        shown = factories.demand(session, org)
        due = factories.demand(session, org, deadline=utcnow() - timedelta(minutes=1))
        awarded = factories.demand(session, org, status="awarded")
        for hidden in ("draft", "pending_review", "rejected", "withdrawn"):
            factories.demand(session, org, status=hidden)
        items = {i["id"]: i for i in client.get(URL, params={"page_size": 50}).json()["items"]}
        assert set(items) == {shown.id, due.id, awarded.id}
        assert items[due.id]["status"] == "closed" and items[shown.id]["status"] == "published"
        assert ids(client.get(URL, params={"status": "published"})) == [shown.id]
        assert ids(client.get(URL, params={"status": "closed"})) == [due.id]

    def test_summary_has_no_contact_or_private_fields(self, client: TestClient, session: Session, world: World) -> None:
        factories.demand(session, world.poster.org, source_id="X-1")
        item = client.get(URL).json()["items"][0]
        for private in (
            "contact_phone",
            "contact_name",
            "source_id",
            "reject_reason",
            "content_verdict",
            "org_id",
            "poster_member_id",
            "description",
        ):
            assert private not in item

    def test_filters(self, client: TestClient, session: Session, world: World) -> None:
        a = factories.demand(session, world.poster.org, industry_code="ic", demand_type="consulting", keywords=["芯片"])
        b = factories.demand(session, world.solver.org, title="氢燃料电池膜电极")
        assert ids(client.get(URL, params={"city": "nanjing"})) == [b.id]
        assert ids(client.get(URL, params={"industry": "ic"})) == [a.id]
        assert ids(client.get(URL, params={"demand_type": "consulting"})) == [a.id]
        assert ids(client.get(URL, params={"q": "芯片"})) == [a.id]
        assert ids(client.get(URL, params={"q": "膜电极"})) == [b.id]
        assert ids(client.get(URL, params={"q": "100%"})) == []

    def test_sorts(self, client: TestClient, session: Session, world: World) -> None:
        now = utcnow()
        org = world.poster.org
        late = factories.demand(
            session,
            org,
            deadline=now + timedelta(days=60),
            reward_wan_yuan=10,
            published_at=now - timedelta(days=1),
            view_count=1,
        )
        soon = factories.demand(
            session,
            org,
            deadline=now + timedelta(days=2),
            reward_wan_yuan=None,
            reward_negotiable=True,
            published_at=now - timedelta(days=3),
            view_count=9,
        )
        due = factories.demand(
            session,
            org,
            deadline=now - timedelta(days=1),
            reward_wan_yuan=500,
            published_at=now - timedelta(days=2),
            view_count=5,
        )
        assert ids(client.get(URL)) == [late.id, due.id, soon.id]
        assert ids(client.get(URL, params={"sort": "deadline"})) == [soon.id, late.id, due.id]
        assert ids(client.get(URL, params={"sort": "popular"})) == [soon.id, due.id, late.id]
        assert ids(client.get(URL, params={"sort": "reward"})) == [due.id, late.id, soon.id]

    def test_bad_params(self, client: TestClient) -> None:
        for params in ({"status": "draft"}, {"sort": "x"}, {"city": "shanghai"}, {"page_size": 51}, {"y": 1}):
            assert_error_shape(client.get(URL, params=params), 422, "validation_error")


class TestDemandGet:
    def test_masked_contact_and_view_count(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        r = client.get(f"{URL}/{d.id}")
        assert r.status_code == 200, r.text
        assert r.json()["contact_phone"] == "138****5678" and "13812345678" not in r.text
        assert r.json()["view_count"] == 1 and r.json()["description"]
        for private in ("reject_reason", "content_verdict", "acceptance", "org_id", "source_id"):
            assert private not in r.json()

    def test_hidden_states_are_404(self, client: TestClient, session: Session, world: World) -> None:
        for hidden in ("draft", "pending_review", "rejected", "withdrawn"):
            d = factories.demand(session, world.poster.org, status=hidden)
            assert_error_shape(client.get(f"{URL}/{d.id}"), 404)
            assert snapshot(session, d.id)["view_count"] == 0
        assert_error_shape(client.get(f"{URL}/999999"), 404)
        for bad in ("abc", "0", "99999999999"):
            assert_error_shape(client.get(f"{URL}/{bad}"), 422)

    def test_touch_stores_the_close_and_tells_the_poster(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        d = factories.demand(session, world.poster.org, deadline=utcnow() - timedelta(minutes=5))
        r = client.get(f"{URL}/{d.id}")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "closed"
        assert snapshot(session, d.id)["status"] == "closed"
        assert kinds(session, world.poster.member).count("demand_closed") == 1
        assert kinds(session, world.poster_colleague.member).count("demand_closed") == 1
        client.get(f"{URL}/{d.id}")
        assert kinds(session, world.poster.member).count("demand_closed") == 1


class TestDemandApplications:
    def test_poster_sees_checked_applications_only(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        a = factories.demand_application(session, d, world.solver.org, world.solver.member)
        factories.demand_application(session, d, world.partner.org, world.partner.member, status="pending_review")
        r = client.get(f"{URL}/{d.id}/applications", headers=world.poster.h)
        assert ids(r) == [a.id]
        assert r.json()["items"][0]["org_name"] == world.solver.org.name
        assert r.json()["items"][0]["contact_phone"] == "13900001111"

    def test_nobody_else(self, client: TestClient, session: Session, world: World) -> None:
        d = factories.demand(session, world.poster.org)
        factories.demand_application(session, d, world.solver.org, world.solver.member)
        for h in (world.solver.h, world.outsider.h):
            assert_error_shape(client.get(f"{URL}/{d.id}/applications", headers=h), 404)
        assert_error_shape(client.get(f"{URL}/{d.id}/applications"), 401)


class TestDemandDetailViews:
    def test_reads_tally_views_and_write_nothing(
        self, app: Any, client: TestClient, session: Session, world: World
    ) -> None:
        d = factories.demand(session, world.poster.org, view_count=4)
        assert [client.get(f"{URL}/{d.id}").json()["view_count"] for _ in range(2)] == [5, 6]
        assert snapshot(session, d.id)["view_count"] == 4
        assert app.state.views.flush(session) == 2
        assert snapshot(session, d.id)["view_count"] == 6
