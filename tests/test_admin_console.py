"""Console pages over the services: edit, publish, review (boards, 揭榜挂帅, duplicates), banners, export, statistics
and the audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.boards.policy.models import Policy
from app.bureaus.models import PushDuplicate
from app.core.models import Publication, Verification, utcnow
from app.demands.models import Demand
from app.home.models import Banner
from app.notifications.models import Notification
from app.staff.models import StaffRole
from tests import factories as fx
from tests.admin_support import Console, login, staff


@pytest.fixture()
def clients() -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for c in made:
        c.close()


@pytest.fixture()
def district(app: FastAPI, session: Session, clients: list[TestClient]) -> Console:
    return login(app, staff(session, "district", StaffRole.district_admin), clients)


@pytest.fixture()
def nanjing(app: FastAPI, session: Session, clients: list[TestClient]) -> Console:
    return login(app, staff(session, "nj-admin", StaffRole.city_admin, "nanjing"), clients)


POLICY_FORM = {
    "title": "南京市科技创新券实施细则",
    "issuer": "南京市科学技术局",
    "level": "city",
    "category": "subsidy",
    "summary": "创新券最高 50 万元",
    "valid_to": "2030-12-31",
    "industries": "集成电路、生物医药",
}


class TestBoardCreate:
    def test_city_admin_creates_a_draft_in_own_city_whatever_the_form_says(
        self, nanjing: Console, session: Session, client: TestClient
    ) -> None:
        r = nanjing.post("/admin/boards/policy/new", {**POLICY_FORM, "city_code": "suzhou"})
        assert r.status_code == 303, r.text
        row = session.exec(select(Policy).where(Policy.title == POLICY_FORM["title"])).one()
        assert row.city_code == "nanjing"
        assert row.publication == Publication.draft and row.verification == Verification.verified
        assert row.industries == ["集成电路", "生物医药"]
        assert client.get(f"/api/v1/policy/policies/{row.id}").status_code == 404  # a draft is not public
        assert session.exec(select(AuditLog).where(AuditLog.action == "policy.create")).one().city_code == "nanjing"

    def test_invalid_form_comes_back_with_chinese_field_errors(self, district: Console, session: Session) -> None:
        r = district.post(
            "/admin/boards/policy/new", {**POLICY_FORM, "city_code": "wuxi", "level": "galaxy", "title": "x" * 201}
        )
        assert r.status_code == 422, r.text
        assert "标题" in r.text and "内容过长" in r.text and "级别" in r.text
        assert session.exec(select(Policy).where(Policy.city_code == "wuxi")).first() is None

    def test_district_admin_must_choose_a_city(self, district: Console) -> None:
        r = district.post("/admin/boards/policy/new", POLICY_FORM)
        assert r.status_code == 422
        assert "请选择城市" in r.text

    def test_unknown_industry_is_refused(self, district: Console) -> None:
        r = district.post("/admin/boards/policy/new", {**POLICY_FORM, "city_code": "wuxi", "industry_code": "nope"})
        assert r.status_code == 422
        assert "没有这个行业代码" in r.text

    @pytest.mark.parametrize(
        "key",
        [
            "policy",
            "resource",
            "techmanager",
            "alliance",
            "fund",
            "financialproduct",
            "financingneed",
            "servicestation",
            "talentservice",
            "job",
            "expert",
            "trainingprogramme",
            "achievement",
            "event",
            "cooperationitem",
        ],
    )
    def test_every_board_has_list_and_form(self, district: Console, key: str) -> None:
        assert district.get(f"/admin/boards/{key}").status_code == 200
        r = district.get(f"/admin/boards/{key}/new")
        assert r.status_code == 200, r.text
        assert 'name="csrf_token"' in r.text


class TestBoardEdit:
    def test_edit_changes_the_record(self, nanjing: Console, session: Session) -> None:
        p = fx.policy(session, city_code="nanjing")
        page = nanjing.get(f"/admin/boards/policy/{p.id}")
        assert page.status_code == 200 and p.title in page.text
        r = nanjing.post(f"/admin/boards/policy/{p.id}", {**POLICY_FORM, "title": "改过的标题"})
        assert r.status_code == 303, r.text
        session.refresh(p)
        assert p.title == "改过的标题" and p.city_code == "nanjing"

    def test_system_fields_cannot_be_set_through_the_form(self, nanjing: Console, session: Session) -> None:
        p = fx.policy(session, city_code="nanjing", publication=Publication.draft)
        r = nanjing.post(
            f"/admin/boards/policy/{p.id}",
            {**POLICY_FORM, "publication": "published", "view_count": "999", "city_code": "wuxi"},
        )
        assert r.status_code == 303
        session.refresh(p)
        assert p.publication == Publication.draft and p.view_count == 0 and p.city_code == "nanjing"


class TestBoardPublication:
    def test_publish_and_unpublish_many(self, nanjing: Console, session: Session, client: TestClient) -> None:
        a = fx.policy(session, city_code="nanjing", publication=Publication.draft, published_at=None)
        b = fx.policy(session, city_code="nanjing", publication=Publication.draft, published_at=None)
        r = nanjing.post("/admin/boards/policy/publication", {"action": "publish", "ids": [a.id, b.id]})
        assert r.status_code == 303, r.text
        assert "已发布 2 条" in nanjing.client.get(r.headers["location"]).text
        for p in (a, b):
            session.refresh(p)
            assert p.publication == Publication.published and p.published_at is not None
        assert client.get(f"/api/v1/policy/policies/{a.id}").status_code == 200
        r = nanjing.post("/admin/boards/policy/publication", {"action": "unpublish", "ids": [a.id]})
        assert r.status_code == 303
        assert client.get(f"/api/v1/policy/policies/{a.id}").status_code == 404


def _pushed(builder: Any, session: Session, city: str, **kw: Any) -> Any:
    """A record a bureau pushed that waits for 数据核验 (as app/bureaus/push.py stores it)."""
    return builder(session, city_code=city, source="bureau", verification=Verification.pending, **kw)


class TestReviewRecordsQueue:
    def test_lists_pushed_and_member_records_that_wait(self, nanjing: Console, session: Session) -> None:
        pushed = _pushed(fx.achievement, session, "nanjing", title="推送的待核验成果")
        held = fx.achievement(
            session, city_code="nanjing", source="member", verification=Verification.pending, title="会员的待复核成果"
        )
        withdrawn = _pushed(
            fx.achievement, session, "nanjing", title="推送后又被下线的成果", publication=Publication.unpublished
        )
        staff_made = fx.achievement(session, city_code="nanjing", verification=Verification.pending, title="无主规则")
        page = nanjing.get("/admin/review/records/achievement")
        assert page.status_code == 200, page.text
        assert f'value="{pushed.id}"' in page.text and f'value="{held.id}"' in page.text
        assert "市局推送" in page.text and "会员" in page.text
        # no rule decides these: they are not tasks, so they are neither listed nor counted
        assert f'value="{withdrawn.id}"' not in page.text and f'value="{staff_made.id}"' not in page.text
        assert _counts(nanjing.get("/admin/review").text)["科技成果核验"] == 2


class TestReviewRecordsDecide:
    def test_approve_many_goes_through_verify_record(
        self, nanjing: Console, session: Session, client: TestClient
    ) -> None:
        rows = [_pushed(fx.policy, session, "nanjing", published_at=None) for _ in range(3)]
        r = nanjing.post("/admin/review/records/policy", {"action": "approve", "ids": [p.id for p in rows[:2]]})
        assert r.status_code == 303, r.text
        assert "已通过 2 条" in nanjing.client.get(r.headers["location"]).text
        assert client.get(f"/api/v1/policy/policies/{rows[0].id}").status_code == 200
        assert client.get(f"/api/v1/policy/policies/{rows[2].id}").status_code == 404
        session.refresh(rows[0])
        assert rows[0].published_at is not None  # verify_record's rule: a verified record has its publication time
        actions = session.exec(select(AuditLog.action).where(AuditLog.object_id == str(rows[0].id))).all()
        assert "push.verified" in actions

    def test_reject_of_a_pushed_record_keeps_the_reason(self, nanjing: Console, session: Session) -> None:
        p = _pushed(fx.policy, session, "nanjing")
        r = nanjing.post("/admin/review/records/policy", {"action": "reject", "ids": [p.id], "reason": "文号有误"})
        assert r.status_code == 303, r.text
        session.refresh(p)
        assert p.verification == Verification.rejected and p.reject_reason == "文号有误"
        assert session.exec(select(AuditLog).where(AuditLog.action == "push.rejected")).one().city_code == "nanjing"

    def test_member_record_goes_through_the_contributions_review_and_tells_the_owner(
        self, nanjing: Console, session: Session
    ) -> None:
        org = fx.organization(session, "南京某科技公司", "91320100MA1XXXXX0A", city_code="nanjing")
        owner, _ = fx.member(session, "o-nj-owner", org=org)
        item = fx.achievement(
            session, city_code="nanjing", org_id=org.id, source="member", verification=Verification.pending
        )
        r = nanjing.post("/admin/review/records/achievement", {"action": "reject", "ids": [item.id]})
        assert r.status_code == 422 and "驳回理由" in r.text
        session.refresh(item)
        assert item.verification == Verification.pending
        r = nanjing.post(
            "/admin/review/records/achievement", {"action": "reject", "ids": [item.id], "reason": "缺少专利证明"}
        )
        assert r.status_code == 303, r.text
        session.refresh(item)
        assert item.verification == Verification.rejected and item.reject_reason == "缺少专利证明"
        note = session.exec(select(Notification).where(Notification.member_id == owner.id)).one()
        assert "未通过审核" in note.title and "缺少专利证明" in note.body
        assert session.exec(select(AuditLog).where(AuditLog.action == "review.achievement.reject")).one()

    def test_a_decided_record_is_skipped_with_the_services_reason(self, nanjing: Console, session: Session) -> None:
        p = _pushed(fx.policy, session, "nanjing")
        assert nanjing.post("/admin/review/records/policy", {"action": "approve", "ids": [p.id]}).status_code == 303
        r = nanjing.post("/admin/review/records/policy", {"action": "approve", "ids": [p.id]})
        assert "已通过 0 条，1 条未处理" in nanjing.client.get(r.headers["location"]).text

    def test_reviewer_decides_but_cannot_open_the_editor(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        rev = login(app, staff(session, "rev-nj", StaffRole.reviewer, "nanjing"), clients)
        p = _pushed(fx.policy, session, "nanjing")
        assert rev.post("/admin/review/records/policy", {"action": "approve", "ids": [p.id]}).status_code == 303
        session.refresh(p)
        assert p.verification == Verification.verified
        assert rev.get(f"/admin/boards/policy/{p.id}").status_code == 403


class TestBanners:
    def test_city_admin_banner_is_for_own_city_and_shows_on_home(
        self, nanjing: Console, session: Session, client: TestClient
    ) -> None:
        r = nanjing.post(
            "/admin/banners/new",
            {
                "title": "南京科创集市",
                "image_url": "https://example.org/b.png",
                "sort": "1",
                "active": ["", "on"],
                "city_code": "",
            },
        )
        assert r.status_code == 303, r.text
        banner = session.exec(select(Banner).where(Banner.title == "南京科创集市")).one()
        assert banner.city_code == "nanjing" and banner.active
        home = client.get("/api/v1/home", params={"city": "nanjing"}).json()
        assert "南京科创集市" in [b["title"] for b in home["banners"]]
        assert nanjing.post(f"/admin/banners/{banner.id}/active", {"active": "false"}).status_code == 303
        home = client.get("/api/v1/home", params={"city": "nanjing"}).json()
        assert "南京科创集市" not in [b["title"] for b in home["banners"]]


class TestExport:
    def test_three_lists_for_all_cities(self, district: Console, session: Session) -> None:
        fx.resource(session, city_code="nanjing", name="南京大学", contact_phone="13812345678")
        fx.resource(session, city_code="wuxi", name="江南大学")
        fx.resource(session, city_code="wuxi", name="未核验的资源", verification=Verification.pending)
        fx.cooperation_item(session, city_code="putuo", title="将来的合作", tense="future")
        fx.cooperation_item(session, city_code="putuo", title="过去的合作", tense="past")
        r = district.get("/admin/exports/download", params={"list": "all"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(BytesIO(r.content))
        assert wb.sheetnames == ["资源清单", "需求清单", "合作清单"]
        names = [row[2] for row in wb["资源清单"].iter_rows(min_row=2, values_only=True)]
        assert "南京大学" in names and "江南大学" in names and "未核验的资源" not in names
        phones = [row[-1] for row in wb["资源清单"].iter_rows(min_row=2, values_only=True)]
        assert "13812345678" not in phones and "138****5678" in phones
        coop = list(wb["合作清单"].iter_rows(min_row=2, values_only=True))
        tenses = [row[1] for row in coop]
        assert tenses.index("过去时") < tenses.index("未来时")
        assert session.exec(select(AuditLog).where(AuditLog.action == "export.lists")).first() is not None

    def test_one_list_for_one_city(self, district: Console, session: Session) -> None:
        fx.resource(session, city_code="nanjing", name="南京大学")
        fx.resource(session, city_code="wuxi", name="江南大学")
        r = district.get("/admin/exports/download", params={"list": "resources", "city": "wuxi"})
        wb = load_workbook(BytesIO(r.content))
        assert wb.sheetnames == ["资源清单"]
        assert [row[2] for row in wb["资源清单"].iter_rows(min_row=2, values_only=True)] == ["江南大学"]

    def test_unknown_list_or_city_is_refused(self, district: Console) -> None:
        assert district.get("/admin/exports/download", params={"list": "secrets"}).status_code == 422
        assert district.get("/admin/exports/download", params={"city": "beijing"}).status_code == 422


class TestStats:
    def test_counts_and_funnel(self, district: Console, session: Session) -> None:
        fx.policy(session, city_code="nanjing")
        fx.policy(session, city_code="nanjing")
        r = district.get("/admin/stats")
        assert r.status_code == 200, r.text
        assert "揭榜挂帅漏斗" in r.text and "<svg" in r.text
        row = r.text.split("<td>政策发布</td>")[1].split("</tr>")[0]
        cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
        assert cells[1] == "2"  # 南京 is the second city column


class TestAuditViewer:
    def test_filters(self, district: Console, session: Session) -> None:
        from app.audit.service import record

        record(session, actor_type="bureau", actor_id="7", city_code="wuxi", action="push.batch", outcome="ok")
        record(session, actor_type="staff", actor_id="9", city_code="nanjing", action="policy.update")
        r = district.get("/admin/audit", params={"actor_type": "bureau"})
        assert r.status_code == 200
        assert "push.batch" in r.text and "policy.update" not in r.text
        r = district.get("/admin/audit", params={"action": "policy."})
        assert "policy.update" in r.text and "push.batch" not in r.text
        r = district.get("/admin/audit", params={"date_from": "2000-01-01", "date_to": "2000-01-02"})
        assert "push.batch" not in r.text


class TestOrgQueue:
    def test_verify_many_through_the_org_service(self, nanjing: Console, session: Session) -> None:
        from app.orgs.models import Organization

        mine = fx.organization(
            session, "南京新材料公司", "91320100MA1XXXXX1B", city_code="nanjing", verification=Verification.pending
        )
        theirs = fx.organization(
            session, "苏州新材料公司", "91320500MA1XXXXX2C", city_code="suzhou", verification=Verification.pending
        )
        owner, _ = fx.member(session, "o-nj-org", org=mine)
        page = nanjing.get("/admin/review/orgs")
        assert page.status_code == 200 and "南京新材料公司" in page.text and "苏州新材料公司" not in page.text
        r = nanjing.post("/admin/review/orgs", {"action": "approve", "ids": [mine.id, theirs.id]})
        assert r.status_code == 303, r.text
        assert "已通过 1 条，1 条未处理" in nanjing.client.get(r.headers["location"]).text
        assert session.get(Organization, mine.id).verification == Verification.verified  # type: ignore[union-attr]
        assert session.get(Organization, theirs.id).verification == Verification.pending  # type: ignore[union-attr]
        assert session.exec(select(Notification).where(Notification.member_id == owner.id)).first() is not None

    def test_reject_needs_a_reason(self, nanjing: Console, session: Session) -> None:
        org = fx.organization(
            session, "南京某公司", "91320100MA1XXXXX3D", city_code="nanjing", verification=Verification.pending
        )
        assert nanjing.post("/admin/review/orgs", {"action": "reject", "ids": [org.id]}).status_code == 422
        r = nanjing.post("/admin/review/orgs", {"action": "reject", "ids": [org.id], "reason": "营业执照不清晰"})
        assert r.status_code == 303
        session.refresh(org)
        assert org.verification == Verification.rejected and org.reject_reason == "营业执照不清晰"

    def test_claims_queue_lists_own_city(self, nanjing: Console) -> None:
        r = nanjing.get("/admin/review/claims")
        assert r.status_code == 200, r.text


# ---------------------------------------------------------------- 揭榜挂帅 queues and cross-city duplicates


def _counts(html: str) -> dict[str, int]:
    """The review overview as {queue name: waiting}."""
    return {
        name: int(n) for name, n in re.findall(r'<a href="[^"]*">([^<]+)</a></td><td class="num">(?:<b>)?(\d+)', html)
    }


@dataclass
class Poster:
    org: Any
    member: Any


def _poster(session: Session, city: str = "nanjing", n: int = 1) -> Poster:
    org = fx.organization(session, f"{city}某新能源公司{n}", fx.credit_code(n, prefix="913201000"), city_code=city)
    member, _ = fx.member(session, f"o-poster-{city}-{n}", org=org)
    return Poster(org, member)


def _pending_demand(session: Session, poster: Poster, **kw: Any) -> Demand:
    data: dict[str, Any] = {"status": "pending_review", "published_at": None, "submitted_at": utcnow()}
    data.update(kw)
    return fx.demand(session, poster.org, **data)  # type: ignore[no-any-return]


def _kinds(session: Session, member: Any) -> list[str]:
    return list(session.exec(select(Notification.kind).where(Notification.member_id == member.id)).all())


class TestReviewIndex:
    def test_counts_include_the_demand_queues_and_duplicates(self, district: Console, session: Session) -> None:
        poster = _poster(session)
        _pending_demand(session, poster, content_verdict="pass")
        _pending_demand(session, poster, content_verdict="review")
        _pending_demand(session, poster, content_verdict="unavailable")
        published = fx.demand(session, poster.org)
        solver = _poster(session, "wuxi", 2)
        fx.demand_application(session, published, solver.org, solver.member, status="pending_review")
        fx.demand_application(session, published, _poster(session, "wuxi", 3).org, solver.member)
        a = fx.resource(session, city_code="nanjing", source="bureau")
        b = fx.resource(session, city_code="suzhou", source="bureau")
        fx.add(
            session,
            PushDuplicate(
                kind="resource",
                reason="credit_code",
                match_value="x",
                record_id=a.id,
                city_code="nanjing",
                other_record_id=b.id,
                other_city_code="suzhou",
            ),
        )
        counts = _counts(district.get("/admin/review").text)
        assert counts["榜单审核"] == 3
        assert counts["内容检测待复核的榜单"] == 2
        assert counts["内容检测待复核的揭榜申请"] == 1
        assert counts["跨城市疑似重复"] == 1
        home = district.get("/admin/").text
        assert 'href="/admin/review/demands?held=1"' in home and 'href="/admin/review/duplicates"' in home


class TestDemandQueue:
    def test_lists_pending_demands_flagged_first(self, district: Console, session: Session) -> None:
        poster = _poster(session)
        clean = _pending_demand(session, poster, title="内容检测通过的榜单", content_verdict="pass")
        flagged = _pending_demand(session, poster, title="内容检测待复核的榜单", content_verdict="review")
        live = fx.demand(session, poster.org, title="已发布的榜单")
        r = district.get("/admin/review/demands")
        assert r.status_code == 200, r.text
        assert r.text.index(f'value="{flagged.id}"') < r.text.index(f'value="{clean.id}"')
        assert f'value="{live.id}"' not in r.text and "已发布的榜单" not in r.text
        assert "需人工复核" in r.text and f'href="/admin/review/demands/{clean.id}"' in r.text
        held = district.get("/admin/review/demands", params={"held": "1"}).text
        assert f'value="{flagged.id}"' in held and f'value="{clean.id}"' not in held

    def test_city_filter_and_pages_past_the_end(self, district: Console, session: Session) -> None:
        nj = _pending_demand(session, _poster(session, "nanjing", 1))
        wx = _pending_demand(session, _poster(session, "wuxi", 2))
        text = district.get("/admin/review/demands", params={"city": "wuxi"}).text
        assert f'value="{wx.id}"' in text and f'value="{nj.id}"' not in text
        r = district.get("/admin/review/demands", params={"page": 50})
        assert r.status_code == 200 and "没有待处理的事项" in r.text

    def test_auditor_may_not(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        auditor = login(app, staff(session, "auditor-1", StaffRole.auditor), clients)
        assert auditor.get("/admin/review/demands").status_code == 403
        assert auditor.get("/admin/review/applications").status_code == 403
        assert auditor.get("/admin/review/duplicates").status_code == 403


class TestDemandDetail:
    def test_shows_everything_staff_must_read(self, district: Console, session: Session) -> None:
        d = _pending_demand(session, _poster(session), content_verdict="review", eligibility="仅限高校")
        r = district.get(f"/admin/review/demands/{d.id}")
        assert r.status_code == 200, r.text
        for text in (d.title, d.description, d.tech_targets, "仅限高校", "13812345678", "需人工复核", "300 万元"):
            assert text in r.text, text
        assert f'name="ids" value="{d.id}"' in r.text and 'value="approve"' in r.text

    def test_decided_demand_has_no_buttons_and_unknown_is_404(self, district: Console, session: Session) -> None:
        d = fx.demand(session, _poster(session).org)
        r = district.get(f"/admin/review/demands/{d.id}")
        assert r.status_code == 200 and 'value="approve"' not in r.text and "已不在待审核状态" in r.text
        assert district.get("/admin/review/demands/999999").status_code == 404
        assert district.get("/admin/review/demands/0").status_code == 422


class TestDemandDecide:
    def test_approve_many_publishes_and_tells_the_poster(
        self, nanjing: Console, session: Session, client: TestClient
    ) -> None:
        poster = _poster(session)
        a, b = _pending_demand(session, poster), _pending_demand(session, poster)
        r = nanjing.post("/admin/review/demands", {"action": "approve", "ids": [a.id, b.id]})
        assert r.status_code == 303, r.text
        assert "已通过 2 条" in nanjing.client.get(r.headers["location"]).text
        for d in (a, b):
            session.refresh(d)
            assert d.status == "published" and d.published_at is not None and d.reviewed_by == nanjing.user.id
        assert client.get(f"/api/v1/demands/{a.id}").status_code == 200
        assert _kinds(session, poster.member) == ["demand_published", "demand_published"]
        audit = session.exec(select(AuditLog).where(AuditLog.action == "demand.approve")).all()
        assert {x.object_id for x in audit} == {str(a.id), str(b.id)} and audit[0].city_code == "nanjing"

    def test_reject_needs_a_reason_that_reaches_the_poster(self, nanjing: Console, session: Session) -> None:
        poster = _poster(session)
        d = _pending_demand(session, poster)
        r = nanjing.post("/admin/review/demands", {"action": "reject", "ids": [d.id], "reason": " "})
        assert r.status_code == 422 and "驳回理由" in r.text
        assert _kinds(session, poster.member) == []
        r = nanjing.post("/admin/review/demands", {"action": "reject", "ids": [d.id], "reason": "榜额与周期不匹配"})
        assert r.status_code == 303, r.text
        session.refresh(d)
        assert d.status == "rejected" and d.reject_reason == "榜额与周期不匹配"
        note = session.exec(select(Notification).where(Notification.member_id == poster.member.id)).one()
        assert note.kind == "demand_rejected" and "榜额与周期不匹配" in note.body

    def test_each_on_its_own_with_the_services_reason(self, nanjing: Console, session: Session) -> None:
        poster = _poster(session)
        ok = _pending_demand(session, poster)
        late = _pending_demand(session, poster, deadline=utcnow() - timedelta(hours=1))
        r = nanjing.post("/admin/review/demands", {"action": "approve", "ids": [ok.id, late.id]})
        msg = nanjing.client.get(r.headers["location"]).text
        assert "已通过 1 条，1 条未处理" in msg and "截止时间已过" in msg
        session.refresh(late)
        assert late.status == "pending_review"

    def test_city_reviewer_may_decide(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        rev = login(app, staff(session, "rev-nj", StaffRole.reviewer, "nanjing"), clients)
        d = _pending_demand(session, _poster(session))
        assert rev.post("/admin/review/demands", {"action": "approve", "ids": [d.id]}).status_code == 303
        session.refresh(d)
        assert d.status == "published"

    def test_csrf_is_required(self, nanjing: Console, session: Session) -> None:
        d = _pending_demand(session, _poster(session))
        r = nanjing.client.post("/admin/review/demands", data={"action": "approve", "ids": [d.id]})
        assert r.status_code == 403
        session.refresh(d)
        assert d.status == "pending_review"


def _held_application(session: Session) -> tuple[Poster, Poster, Any, Any]:
    poster = _poster(session, "nanjing", 1)
    solver = _poster(session, "wuxi", 2)
    demand = fx.demand(session, poster.org)
    application = fx.demand_application(
        session, demand, solver.org, solver.member, status="pending_review", content_verdict="review"
    )
    return poster, solver, demand, application


class TestApplicationQueue:
    def test_lists_held_applications_only(self, nanjing: Console, session: Session) -> None:
        _, solver, demand, held = _held_application(session)
        passed = fx.demand_application(session, demand, _poster(session, "suzhou", 3).org, solver.member)
        r = nanjing.get("/admin/review/applications")
        assert r.status_code == 200, r.text
        assert f'value="{held.id}"' in r.text and f'value="{passed.id}"' not in r.text
        assert solver.org.name in r.text and demand.title in r.text and held.proposal in r.text


class TestApplicationDetail:
    def test_shows_the_application(self, nanjing: Console, session: Session) -> None:
        _, solver, demand, held = _held_application(session)
        r = nanjing.get(f"/admin/review/applications/{held.id}")
        assert r.status_code == 200, r.text
        for text in (held.proposal, held.team, solver.org.name, demand.title, "13900001111", "200 万元"):
            assert text in r.text, text
        assert nanjing.get("/admin/review/applications/999999").status_code == 404


class TestApplicationDecide:
    def test_approve_releases_it_to_the_poster(self, nanjing: Console, session: Session) -> None:
        poster, solver, demand, held = _held_application(session)
        r = nanjing.post("/admin/review/applications", {"action": "approve", "ids": [held.id]})
        assert r.status_code == 303, r.text
        session.refresh(held)
        session.refresh(demand)
        assert held.status == "submitted" and demand.application_count == 1
        assert _kinds(session, poster.member) == ["application_received"]
        assert _kinds(session, solver.member) == ["application_approved"]

    def test_reject_with_a_reason(self, nanjing: Console, session: Session) -> None:
        poster, solver, _, held = _held_application(session)
        assert nanjing.post("/admin/review/applications", {"action": "reject", "ids": [held.id]}).status_code == 422
        r = nanjing.post("/admin/review/applications", {"action": "reject", "ids": [held.id], "reason": "方案含广告"})
        assert r.status_code == 303, r.text
        session.refresh(held)
        assert held.status == "rejected" and held.reject_reason == "方案含广告"
        assert _kinds(session, solver.member) == ["application_rejected"] and _kinds(session, poster.member) == []
        again = nanjing.post("/admin/review/applications", {"action": "approve", "ids": [held.id]})
        assert "1 条未处理" in nanjing.client.get(again.headers["location"]).text


def _duplicate(session: Session, city: str = "nanjing", other: str = "suzhou") -> Any:
    a = fx.resource(session, city_code=city, source="bureau", name="同一个研究院")
    b = fx.resource(session, city_code=other, source="bureau", name="同一个研究院")
    return fx.add(
        session,
        PushDuplicate(
            kind="resource",
            reason="credit_code",
            match_value="12320500MB1XXXXX4E",
            record_id=a.id,
            city_code=city,
            other_record_id=b.id,
            other_city_code=other,
        ),
    )


class TestDuplicateList:
    def test_open_flags_with_links_to_what_the_user_may_open(self, nanjing: Console, session: Session) -> None:
        dup = _duplicate(session)
        r = nanjing.get("/admin/review/duplicates")
        assert r.status_code == 200, r.text
        assert "统一社会信用代码相同" in r.text and "12320500MB1XXXXX4E" in r.text and f'value="{dup.id}"' in r.text
        assert f'href="/admin/boards/resource/{dup.record_id}"' in r.text  # 南京's own record
        assert f'href="/admin/boards/resource/{dup.other_record_id}"' not in r.text  # 苏州's: not for 南京's staff


class TestDuplicateResolve:
    def test_resolve_many_with_a_conclusion(self, nanjing: Console, session: Session) -> None:
        one, two = _duplicate(session), _duplicate(session, "nanjing", "wuxi")
        r = nanjing.post("/admin/review/duplicates", {"ids": [one.id, two.id], "resolution": "  "})
        assert r.status_code == 422 and "处理结论" in r.text
        r = nanjing.post("/admin/review/duplicates", {"ids": [one.id, two.id], "resolution": "不同校区，非重复"})
        assert r.status_code == 303, r.text
        assert "已处理 2 条" in nanjing.client.get(r.headers["location"]).text
        for d in (one, two):
            session.refresh(d)
            assert d.resolved_at is not None and d.resolution == "不同校区，非重复" and d.resolved_by == nanjing.user.id
        assert f'value="{one.id}"' not in nanjing.get("/admin/review/duplicates").text
        everything = nanjing.get("/admin/review/duplicates", params={"resolved": "true"}).text
        assert "不同校区，非重复" in everything
        assert session.exec(select(AuditLog).where(AuditLog.action == "push.duplicate_resolve")).all()
