"""Console pages over the board services: edit, publish, review, banners, export, statistics and the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.boards.policy.models import Policy
from app.core.models import Publication, Verification
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


class TestReviewRecords:
    def test_approve_many_makes_them_public(self, nanjing: Console, session: Session, client: TestClient) -> None:
        rows = [fx.policy(session, city_code="nanjing", verification=Verification.pending) for _ in range(3)]
        queue = nanjing.get("/admin/review/records/policy")
        assert queue.status_code == 200 and all(f'value="{p.id}"' in queue.text for p in rows)
        r = nanjing.post("/admin/review/records/policy", {"action": "approve", "ids": [p.id for p in rows[:2]]})
        assert r.status_code == 303, r.text
        assert client.get(f"/api/v1/policy/policies/{rows[0].id}").status_code == 200
        assert client.get(f"/api/v1/policy/policies/{rows[2].id}").status_code == 404

    def test_reject_needs_a_reason_and_tells_the_owner(self, nanjing: Console, session: Session) -> None:
        org = fx.organization(session, "南京某科技公司", "91320100MA1XXXXX0A", city_code="nanjing")
        owner, _ = fx.member(session, "o-nj-owner", org=org)
        item = fx.achievement(session, city_code="nanjing", org_id=org.id, verification=Verification.pending)
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

    def test_reviewer_sees_the_queue_but_not_the_editor(
        self, app: FastAPI, session: Session, clients: list[TestClient]
    ) -> None:
        rev = login(app, staff(session, "rev-nj", StaffRole.reviewer, "nanjing"), clients)
        p = fx.policy(session, city_code="nanjing", verification=Verification.pending)
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
