"""Members' contributions in the console: the queues of held 留言 and 跟进记录 (decided through the contributions'
review service), and the statistics of what members contribute, per kind and city."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.contrib.models import EventRegistration, Interest
from app.core.models import Verification
from app.managers.models import FollowUp
from app.moderation.service import install_checker
from app.staff.models import StaffRole
from tests import factories as fx
from tests.admin_support import login, staff
from tests.contrib_support import REVIEW, fake_checker, inbox, org_member
from tests.test_contrib_managers import ASSIGNMENTS, CLAIMS, demand, manager


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


@pytest.fixture()
def clients() -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for c in made:
        c.close()


def console(app: FastAPI, session: Session, clients: list[TestClient], name: str, role: StaffRole, city: str | None):  # type: ignore[no-untyped-def]
    return login(app, staff(session, name, role, city), clients)


def held_interest(client: TestClient, session: Session, city: str = "nanjing") -> tuple[Interest, object]:
    owner, owner_member, _ = org_member(session, "南京某芯片公司", org_type="enterprise", city=city)
    need = fx.financing_need(session, org_id=owner.id, source="member", city_code=city)
    _, _, investor = org_member(session, "苏州某创投", org_type="investor", city="suzhou")
    r = client.post(
        f"/api/v1/finance/financing-needs/{need.id}/interests",
        json={"message": f"可安排尽调{REVIEW}"},
        headers=investor,
    )
    assert r.status_code == 201 and r.json()["verification"] == "pending", r.text
    interest = session.get(Interest, r.json()["id"])
    assert interest is not None
    return interest, owner_member


def queue_row(page: str, name: str) -> str:
    return page.split(name)[1].split("</tr>")[0]


class TestConsoleContribQueue:
    def test_held_interest_is_listed_counted_and_approved_in_its_city(
        self, app: FastAPI, client: TestClient, session: Session, clients: list[TestClient]
    ) -> None:
        interest, owner_member = held_interest(client, session)
        nanjing = console(app, session, clients, "rev-nj", StaffRole.reviewer, "nanjing")
        wuxi = console(app, session, clients, "rev-wx", StaffRole.reviewer, "wuxi")
        index = nanjing.get("/admin/review")
        assert index.status_code == 200, index.text
        assert "<b>1</b>" in queue_row(index.text, "会员留言（感兴趣/投资意向）")
        assert "/admin/review/contrib/interest" in index.text
        assert "会员留言" in nanjing.get("/admin/").text  # the dashboard lists queues with work in them
        assert "<b>" not in queue_row(wuxi.get("/admin/review").text, "会员留言（感兴趣/投资意向）")

        page = nanjing.get("/admin/review/contrib/interest")
        assert page.status_code == 200 and f'value="{interest.id}"' in page.text and REVIEW in page.text
        assert f'value="{interest.id}"' not in wuxi.get("/admin/review/contrib/interest").text

        r = wuxi.post("/admin/review/contrib/interest", {"action": "approve", "ids": [interest.id]})
        assert r.status_code == 303 and "1 条未处理" in unquote(r.headers["location"])
        session.refresh(interest)
        assert interest.verification == Verification.pending and inbox(session, owner_member.id) == []  # type: ignore[attr-defined]

        r = nanjing.post("/admin/review/contrib/interest", {"action": "approve", "ids": [interest.id]})
        assert r.status_code == 303, r.text
        session.refresh(interest)
        assert interest.verification == Verification.verified
        assert [n.kind for n in inbox(session, owner_member.id)] == ["financing_need.interest"]  # type: ignore[attr-defined]

    def test_held_follow_up_rejected_with_a_reason(
        self, app: FastAPI, client: TestClient, session: Session, clients: list[TestClient]
    ) -> None:
        poster, _, _ = org_member(session, "常州某电池企业", org_type="enterprise", city="changzhou")
        d = demand(session, poster)
        profile, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        body = {"happened_on": "2026-11-20", "contact_made": f"电话沟通{REVIEW}"}
        r = client.post(f"{ASSIGNMENTS}/{assignment_id}/follow-ups", json=body, headers=headers)
        assert r.status_code == 201 and r.json()["verification"] == "pending", r.text
        admin = console(app, session, clients, "cz-admin", StaffRole.city_admin, "changzhou")
        assert f'value="{r.json()["id"]}"' in admin.get("/admin/review/contrib/follow_up").text
        no_reason = admin.post("/admin/review/contrib/follow_up", {"action": "reject", "ids": [r.json()["id"]]})
        assert no_reason.status_code == 422 and "驳回理由" in no_reason.text
        done = admin.post(
            "/admin/review/contrib/follow_up", {"action": "reject", "ids": [r.json()["id"]], "reason": "内容不实"}
        )
        assert done.status_code == 303, done.text
        row = session.get(FollowUp, r.json()["id"])
        assert row is not None
        session.refresh(row)
        assert row.verification == Verification.rejected
        assert "review.follow_up.rejected" in [n.kind for n in inbox(session, profile.member_id)]

    def test_unknown_queue_and_roles(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        district = console(app, session, clients, "district", StaffRole.district_admin, None)
        assert district.get("/admin/review/contrib/achievement").status_code == 404
        assert district.get("/admin/review/contrib/interest").status_code == 200
        auditor = console(app, session, clients, "aud", StaffRole.auditor, None)
        assert auditor.get("/admin/review/contrib/interest").status_code == 403


def contributions_row(page: str, name: str) -> list[str]:
    card = page.split("会员提交（各市 × 类型）")[1].split("</table>")[0]
    row = card.split(f"<td>{name}</td>")[1].split("</tr>")[0]
    return [c.split("</td>")[0].replace("<b>", "").replace("</b>", "") for c in row.split('<td class="num">')[1:]]


# Column order of the statistics tables: the eight cities, then 合计 and 待审核.
NANJING, WUXI, TOTAL, PENDING = 1, 2, 8, 9


class TestStatsMemberContributions:
    def test_counts_by_kind_and_city_within_the_user_city(
        self, app: FastAPI, client: TestClient, session: Session, clients: list[TestClient]
    ) -> None:
        nj_org, nj_member, _ = org_member(session, "南京某大学", org_type="university", city="nanjing")
        wx_org, _, _ = org_member(session, "无锡某企业", org_type="enterprise", city="wuxi")
        fx.achievement(session, org_id=nj_org.id, source="member", city_code="nanjing")
        fx.achievement(session, org_id=wx_org.id, source="member", city_code="wuxi")
        fx.achievement(session, city_code="nanjing")  # a bureau's record: a board count, not a contribution
        fx.job(session, org_id=nj_org.id, source="member", city_code="nanjing", verification=Verification.pending)
        event = fx.event(session, city_code="wuxi")
        fx.add(
            session,
            EventRegistration(event_id=event.id, member_id=nj_member.id, org_id=nj_org.id, contact_name="张三"),
        )
        held_interest(client, session)

        district = console(app, session, clients, "district", StaffRole.district_admin, None)
        page = district.get("/admin/stats")
        assert page.status_code == 200, page.text
        assert contributions_row(page.text, "科技成果")[NANJING] == "1"
        assert contributions_row(page.text, "科技成果")[WUXI] == "1"
        assert contributions_row(page.text, "科技成果")[TOTAL] == "2"
        assert contributions_row(page.text, "招聘岗位")[PENDING] == "1"
        assert contributions_row(page.text, "活动报名")[WUXI] == "1"
        interests = contributions_row(page.text, "感兴趣/投资意向")
        assert (interests[NANJING], interests[PENDING]) == ("1", "1")
        assert contributions_row(page.text, "融资需求")[NANJING] == "1"  # the one the 留言 is about
        # The monthly series: 2 achievements, a job, a financing need, a registration, a 留言.
        assert "会员提交（共 6）" in page.text

        nanjing = console(app, session, clients, "nj-admin", StaffRole.city_admin, "nanjing")
        mine = nanjing.get("/admin/stats").text
        assert contributions_row(mine, "科技成果")[TOTAL] == "1"
        assert contributions_row(mine, "活动报名")[TOTAL] == "0"
        assert "会员提交（共 4）" in mine
