from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.boards.showcase.models import Achievement
from app.contrib.models import Interest
from app.core.models import Verification
from app.moderation.service import install_checker
from tests import factories
from tests.contracts import assert_error_shape
from tests.contrib_support import REVIEW, RISKY, fake_checker, inbox, org_member, plain_member

ACHIEVEMENTS = "/api/v1/showcase/achievements"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def body(**kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "固态电解质低成本制备技术",
        "trl": 6,
        "ip_type": "invention_patent",
        "transfer_modes": ["license", "equity"],
        "price_wan_yuan": 300,
        "description": "一种硫化物固态电解质的低成本制备方法，已完成公斤级中试。",
        "industry_code": "new_energy",
        "attachments": ["upload-17", "upload-18"],
        "media": [{"type": "image", "url": "https://example.com/x.jpg", "title": "中试线"}],
        "contact_name": "刘老师",
        "contact_phone": "13800001111",
    }
    data.update(kw)
    return data


def count(session: Session) -> int:
    return len(session.exec(select(Achievement)).all())


class TestAchievementCreate:
    def test_happy_path_is_public_at_once(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session, "常州大学", org_type="university", city="changzhou")
        r = client.post(ACHIEVEMENTS, json=body(), headers=headers)
        assert r.status_code == 201, r.text
        mine = r.json()
        assert mine["verification"] == "verified" and mine["owner_name"] == org.name
        assert mine["city_code"] == "changzhou" and mine["attachments"] == ["upload-17", "upload-18"]
        public = client.get(f"{ACHIEVEMENTS}/{mine['id']}")
        assert public.status_code == 200, public.text
        assert public.json()["contact_phone"] == "138****1111" and public.json()["source"] == "member"
        assert mine["id"] in [x["id"] for x in client.get(ACHIEVEMENTS).json()["items"]]

    def test_negotiable_price(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session)
        r = client.post(ACHIEVEMENTS, json=body(price_wan_yuan=None), headers=headers)
        assert r.status_code == 201, r.text
        assert client.get(f"{ACHIEVEMENTS}/{r.json()['id']}").json()["price_negotiable"] is True

    def test_unverified_member_or_wrong_org_type_is_403(self, client: TestClient, session: Session) -> None:
        _, _, pending = org_member(session, verification=Verification.pending)
        _, no_org = plain_member(session)
        _, _, investor = org_member(session, "某投资", org_type="investor")
        before = count(session)
        assert_error_shape(client.post(ACHIEVEMENTS, json=body(), headers=pending), 403, "org_not_verified")
        assert_error_shape(client.post(ACHIEVEMENTS, json=body(), headers=no_org), 403, "org_required")
        assert_error_shape(client.post(ACHIEVEMENTS, json=body(), headers=investor), 403, "org_type_not_allowed")
        assert_error_shape(client.post(ACHIEVEMENTS, json=body()), 401)
        assert count(session) == before

    def test_risky_is_422_and_review_is_held(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session)
        before = count(session)
        r = client.post(ACHIEVEMENTS, json=body(description=f"含有{RISKY}的描述内容描述内容"), headers=headers)
        assert_error_shape(r, 422, "content_risky")
        assert count(session) == before
        r = client.post(ACHIEVEMENTS, json=body(title=f"成果{REVIEW}"), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["verification"] == "pending" and r.json()["published_at"] is None
        assert_error_shape(client.get(f"{ACHIEVEMENTS}/{r.json()['id']}"), 404)

    def test_content_check_down_holds_everything(self, client: TestClient, session: Session) -> None:
        install_checker(None)  # no WeChat: fail closed
        _, _, headers = org_member(session)
        r = client.post(ACHIEVEMENTS, json=body(), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["verification"] == "pending"

    def test_bad_input_is_422(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session)
        for bad in (
            body(trl=10),
            body(ip_type="rumour"),
            body(transfer_modes=[]),
            body(org_id=5),
            body(verification="verified"),
            body(city_code="nanjing"),
            body(industry_code="no-such"),
            body(industries=["new_energy", "not-a-code"]),
        ):
            assert_error_shape(client.post(ACHIEVEMENTS, json=bad, headers=headers), 422)


class TestAchievementUpdate:
    def test_owner_edits_and_rejected_goes_back_to_review(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session)
        row = factories.achievement(
            session, org_id=org.id, source="member", verification=Verification.rejected, reject_reason="描述不清"
        )
        r = client.patch(
            f"{ACHIEVEMENTS}/{row.id}", json={"description": f"补充说明：{REVIEW}，中试数据"}, headers=headers
        )
        assert r.status_code == 200, r.text
        assert r.json()["verification"] == "pending" and r.json()["reject_reason"] is None
        r = client.patch(
            f"{ACHIEVEMENTS}/{row.id}", json={"description": "补充了完整的中试数据与指标"}, headers=headers
        )
        assert r.json()["verification"] == "verified"
        r = client.patch(f"{ACHIEVEMENTS}/{row.id}", json={"price_negotiable": True}, headers=headers)
        assert r.status_code == 200 and r.json()["price_wan_yuan"] is None

    def test_another_org_cannot_edit(self, client: TestClient, session: Session) -> None:
        owner, _, _ = org_member(session)
        _, _, other = org_member(session)
        row = factories.achievement(session, org_id=owner.id, source="member", title="原标题成果")
        r = client.patch(f"{ACHIEVEMENTS}/{row.id}", json={"title": "被他人修改"}, headers=other)
        assert_error_shape(r, 404)
        bureau = factories.achievement(session, title="城市推送成果")
        assert_error_shape(client.patch(f"{ACHIEVEMENTS}/{bureau.id}", json={"title": "改标题"}, headers=other), 404)
        session.refresh(row)
        session.refresh(bureau)
        assert row.title == "原标题成果" and bureau.title == "城市推送成果"

    def test_risky_edit_is_422_and_nothing_changes(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session)
        row = factories.achievement(session, org_id=org.id, source="member", title="原标题成果")
        r = client.patch(f"{ACHIEVEMENTS}/{row.id}", json={"title": f"{RISKY}标题"}, headers=headers)
        assert_error_shape(r, 422, "content_risky")
        session.refresh(row)
        assert row.title == "原标题成果" and row.verification == "verified"

    def test_unverified_member_is_403(self, client: TestClient, session: Session) -> None:
        org, _, _ = org_member(session)
        row = factories.achievement(session, org_id=org.id, source="member")
        _, _, pending = org_member(session, verification=Verification.pending)
        assert_error_shape(client.patch(f"{ACHIEVEMENTS}/{row.id}", json={"trl": 9}, headers=pending), 403)


class TestAchievementInterest:
    def test_owner_hears_the_org_but_not_the_phone(self, client: TestClient, session: Session) -> None:
        owner, owner_member, _ = org_member(session, "常州大学")
        asker_org, asker, headers = org_member(session, "无锡某电池公司", org_type="enterprise")
        asker.phone = "13611112222"
        session.add(asker)
        row = factories.achievement(session, org_id=owner.id, source="member")
        r = client.post(f"{ACHIEVEMENTS}/{row.id}/interests", json={"message": "希望洽谈许可"}, headers=headers)
        assert r.status_code == 201, r.text
        notes = inbox(session, owner_member.id)
        assert [n.kind for n in notes] == ["achievement.interest"]
        assert asker_org.name in notes[0].body and "希望洽谈许可" in notes[0].body
        assert "13611112222" not in notes[0].body and "1361" not in notes[0].body
        assert inbox(session, asker.id) == []

    def test_shared_phone_reaches_the_owner(self, client: TestClient, session: Session) -> None:
        owner, owner_member, owner_headers = org_member(session)
        _, _, headers = org_member(session, org_type="enterprise")
        row = factories.achievement(session, org_id=owner.id, source="member")
        r = client.post(
            f"{ACHIEVEMENTS}/{row.id}/interests",
            json={"share_phone": True, "contact_phone": "13733334444"},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        assert "13733334444" in inbox(session, owner_member.id)[0].body
        listed = client.get(f"/api/v1/my/achievements/{row.id}/interests", headers=owner_headers)
        assert listed.status_code == 200, listed.text
        assert listed.json()[0]["contact_phone"] == "13733334444"

    def test_held_message_waits_for_review_and_risky_is_refused(self, client: TestClient, session: Session) -> None:
        owner, owner_member, owner_headers = org_member(session)
        _, _, headers = org_member(session, org_type="enterprise")
        _, _, third = org_member(session, org_type="enterprise")
        row = factories.achievement(session, org_id=owner.id, source="member")
        r = client.post(f"{ACHIEVEMENTS}/{row.id}/interests", json={"message": f"{RISKY}"}, headers=headers)
        assert_error_shape(r, 422, "content_risky")
        r = client.post(f"{ACHIEVEMENTS}/{row.id}/interests", json={"message": f"留言{REVIEW}"}, headers=third)
        assert r.status_code == 201, r.text
        assert r.json()["verification"] == "pending"
        assert inbox(session, owner_member.id) == []
        assert client.get(f"/api/v1/my/achievements/{row.id}/interests", headers=owner_headers).json() == []

    def test_refusals(self, client: TestClient, session: Session) -> None:
        owner, _, owner_headers = org_member(session)
        _, _, headers = org_member(session, org_type="enterprise")
        _, _, pending = org_member(session, verification=Verification.pending)
        row = factories.achievement(session, org_id=owner.id, source="member")
        hidden = factories.achievement(session, org_id=owner.id, source="member", verification=Verification.pending)
        bureau = factories.achievement(session)
        url = f"{ACHIEVEMENTS}/{row.id}/interests"
        assert_error_shape(client.post(url, json={}, headers=owner_headers), 409, "own_record")
        assert_error_shape(client.post(url, json={}, headers=pending), 403)
        assert_error_shape(client.post(f"{ACHIEVEMENTS}/{hidden.id}/interests", json={}, headers=headers), 404)
        r = client.post(f"{ACHIEVEMENTS}/{bureau.id}/interests", json={}, headers=headers)
        assert_error_shape(r, 409, "owner_not_on_platform")
        assert_error_shape(client.post(url, json={"share_phone": True}, headers=headers), 422, "phone_required")
        assert client.post(url, json={}, headers=headers).status_code == 201
        assert_error_shape(client.post(url, json={}, headers=headers), 409, "already_interested")
        assert len(session.exec(select(Interest)).all()) == 1


class TestMyAchievements:
    def test_only_my_org_with_review_state(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session)
        other, _, other_headers = org_member(session)
        mine = factories.achievement(
            session, org_id=org.id, source="member", verification=Verification.rejected, reject_reason="缺少指标"
        )
        factories.achievement(session, org_id=other.id, source="member")
        r = client.get("/api/v1/my/achievements", headers=headers)
        assert r.status_code == 200, r.text
        assert [(x["id"], x["reject_reason"]) for x in r.json()] == [(mine.id, "缺少指标")]
        assert_error_shape(client.get(f"/api/v1/my/achievements/{mine.id}/interests", headers=other_headers), 404)


class TestMyInterests:
    def test_lists_what_i_sent(self, client: TestClient, session: Session) -> None:
        owner, _, _ = org_member(session)
        _, _, headers = org_member(session, org_type="enterprise")
        _, other = plain_member(session)
        row = factories.achievement(session, org_id=owner.id, source="member", title="某成果名称")
        assert client.post(f"{ACHIEVEMENTS}/{row.id}/interests", json={}, headers=headers).status_code == 201
        r = client.get("/api/v1/my/interests", headers=headers)
        assert r.status_code == 200, r.text
        assert [x["target_title"] for x in r.json()] == ["某成果名称"]
        assert client.get("/api/v1/my/interests", headers=other).json() == []
