from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.boards.finance.models import FinancingNeed
from app.boards.talent.models import Job
from app.core.models import Verification
from app.core.timeutil import today_cn
from app.moderation.service import install_checker
from tests import factories
from tests.contracts import assert_error_shape
from tests.contrib_support import REVIEW, RISKY, fake_checker, inbox, org_member, plain_member

NEEDS = "/api/v1/finance/financing-needs"
JOBS = "/api/v1/talent/jobs"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def need_body(**kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "固态电池中试线A轮融资",
        "amount_wan_yuan": 3000,
        "stage": "a",
        "use_of_funds": "中试线建设与车规认证",
        "industry_code": "new_energy",
        "contact_phone": "13800002222",
    }
    data.update(kw)
    return data


def enterprise(session: Session, **kw: object):  # type: ignore[no-untyped-def]
    return org_member(session, "无锡某新能源公司", org_type="enterprise", **kw)  # type: ignore[arg-type]


class TestFinancingNeedCreate:
    def test_happy_path(self, client: TestClient, session: Session) -> None:
        org, _, headers = enterprise(session, city="wuxi")
        r = client.post(NEEDS, json=need_body(), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["verification"] == "verified" and r.json()["org_name"] == org.name
        public = client.get(f"{NEEDS}/{r.json()['id']}")
        assert public.status_code == 200, public.text
        assert public.json()["city_code"] == "wuxi" and public.json()["contact_phone"] == "138****2222"

    def test_only_verified_enterprises(self, client: TestClient, session: Session) -> None:
        _, _, pending = enterprise(session, verification=Verification.pending)
        _, _, university = org_member(session, org_type="university")
        _, no_org = plain_member(session)
        assert_error_shape(client.post(NEEDS, json=need_body(), headers=pending), 403, "org_not_verified")
        assert_error_shape(client.post(NEEDS, json=need_body(), headers=university), 403, "org_type_not_allowed")
        assert_error_shape(client.post(NEEDS, json=need_body(), headers=no_org), 403, "org_required")
        assert session.exec(select(FinancingNeed)).all() == []

    def test_risky_422_review_held(self, client: TestClient, session: Session) -> None:
        _, _, headers = enterprise(session)
        assert_error_shape(client.post(NEEDS, json=need_body(use_of_funds=RISKY), headers=headers), 422)
        assert session.exec(select(FinancingNeed)).all() == []
        r = client.post(NEEDS, json=need_body(title=f"融资{REVIEW}"), headers=headers)
        assert r.status_code == 201 and r.json()["verification"] == "pending"
        assert_error_shape(client.get(f"{NEEDS}/{r.json()['id']}"), 404)

    def test_bad_input(self, client: TestClient, session: Session) -> None:
        _, _, headers = enterprise(session)
        for bad in (need_body(amount_wan_yuan=0), need_body(stage="z"), need_body(org_name="冒名"), {"title": "x"}):
            assert_error_shape(client.post(NEEDS, json=bad, headers=headers), 422)


class TestFinancingNeedUpdate:
    def test_owner_edits_other_org_cannot(self, client: TestClient, session: Session) -> None:
        org, _, headers = enterprise(session)
        _, _, other = enterprise(session)
        need = factories.financing_need(session, org_id=org.id, source="member", amount_wan_yuan=1000.0)
        r = client.patch(f"{NEEDS}/{need.id}", json={"amount_wan_yuan": 2000}, headers=other)
        assert_error_shape(r, 404)
        session.refresh(need)
        assert need.amount_wan_yuan == 1000.0
        r = client.patch(f"{NEEDS}/{need.id}", json={"amount_wan_yuan": 2000}, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["amount_wan_yuan"] == 2000
        r = client.patch(f"{NEEDS}/{need.id}", json={"description": RISKY}, headers=headers)
        assert_error_shape(r, 422, "content_risky")
        r = client.patch(f"{NEEDS}/{need.id}", json={"description": REVIEW}, headers=headers)
        assert r.json()["verification"] == "pending"


class TestFinancingNeedInterest:
    def test_investor_interest_reaches_the_enterprise(self, client: TestClient, session: Session) -> None:
        org, owner, _ = enterprise(session)
        investor_org, _, headers = org_member(session, "长三角投资", org_type="investor")
        need = factories.financing_need(session, org_id=org.id, source="member")
        r = client.post(f"{NEEDS}/{need.id}/interests", json={"message": "可安排尽调"}, headers=headers)
        assert r.status_code == 201, r.text
        notes = inbox(session, owner.id)
        assert [n.kind for n in notes] == ["financing_need.interest"] and investor_org.name in notes[0].body

    def test_only_institutions(self, client: TestClient, session: Session) -> None:
        org, owner, _ = enterprise(session)
        _, _, another_enterprise = enterprise(session)
        need = factories.financing_need(session, org_id=org.id, source="member")
        r = client.post(f"{NEEDS}/{need.id}/interests", json={}, headers=another_enterprise)
        assert_error_shape(r, 403, "org_type_not_allowed")
        assert inbox(session, owner.id) == []


class TestMyFinancingNeeds:
    def test_mine_only(self, client: TestClient, session: Session) -> None:
        org, _, headers = enterprise(session)
        other, _, _ = enterprise(session)
        mine = factories.financing_need(session, org_id=org.id, source="member")
        factories.financing_need(session, org_id=other.id, source="member")
        r = client.get("/api/v1/my/financing-needs", headers=headers)
        assert r.status_code == 200, r.text
        assert [x["id"] for x in r.json()] == [mine.id]


class TestMyFinancingNeedSuggestions:
    def test_stage_amount_and_industry_decide(self, client: TestClient, session: Session) -> None:
        org, _, headers = enterprise(session, city="wuxi")
        _, _, other = enterprise(session)
        need = factories.financing_need(
            session,
            org_id=org.id,
            source="member",
            stage="a",
            amount_wan_yuan=3000.0,
            industry_code="new_energy",
            city_code="wuxi",
        )
        fit_other_industry = factories.fund(session, name="泛行业基金", stages=["a", "b"], industry_code="ic")
        fit_industry = factories.fund(session, name="新能源基金", stages=["a"], industry_code="new_energy")
        factories.fund(session, name="天使基金", stages=["angel"], industry_code="new_energy")
        factories.fund(session, name="未核验基金", stages=["a"], verification=Verification.pending)
        big = factories.financial_product(session, name="大额科技贷", amount_max_wan_yuan=5000.0)
        factories.financial_product(session, name="小额贷", amount_max_wan_yuan=500.0)
        unlimited = factories.financial_product(session, name="无上限产品", amount_max_wan_yuan=None, city_code="wuxi")
        factories.financial_product(session, name="科技保险", product_type="insurance", amount_max_wan_yuan=None)
        r = client.get(f"/api/v1/my/financing-needs/{need.id}/suggestions", headers=headers)
        assert r.status_code == 200, r.text
        funds = [(f["id"], f["industry_match"]) for f in r.json()["funds"]]
        assert funds == [(fit_industry.id, True), (fit_other_industry.id, False)]
        assert [p["id"] for p in r.json()["products"]] == [unlimited.id, big.id]
        r = client.get(f"/api/v1/my/financing-needs/{need.id}/suggestions", headers=other)
        assert_error_shape(r, 404)


class TestMyFinancingNeedInterests:
    def test_owner_only(self, client: TestClient, session: Session) -> None:
        org, _, headers = enterprise(session)
        _, _, investor = org_member(session, "某投资", org_type="investor")
        need = factories.financing_need(session, org_id=org.id, source="member")
        assert client.post(f"{NEEDS}/{need.id}/interests", json={}, headers=investor).status_code == 201
        r = client.get(f"/api/v1/my/financing-needs/{need.id}/interests", headers=headers)
        assert r.status_code == 200 and len(r.json()) == 1 and r.json()[0]["contact_phone"] is None
        assert_error_shape(client.get(f"/api/v1/my/financing-needs/{need.id}/interests", headers=investor), 404)


def job_body(**kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "电池材料研发工程师",
        "salary_min_k": 15,
        "salary_max_k": 30,
        "education": "硕士",
        "headcount": 2,
        "closing_date": (today_cn() + timedelta(days=30)).isoformat(),
        "description": "负责固态电解质材料研发与表征",
    }
    data.update(kw)
    return data


class TestJobCreate:
    def test_happy_path_and_closes_by_itself(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session, org_type="institute")
        r = client.post(JOBS, json=job_body(closing_date=today_cn().isoformat()), headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["open"] is True and r.json()["org_name"] == org.name
        job_id = r.json()["id"]
        assert client.get(f"{JOBS}/{job_id}").status_code == 200
        # The next day: nothing ran, yet it is closed everywhere.
        job = session.get(Job, job_id)
        assert job is not None
        job.closing_date = today_cn() - timedelta(days=1)
        session.add(job)
        session.flush()
        assert_error_shape(client.get(f"{JOBS}/{job_id}"), 404)
        assert job_id not in [x["id"] for x in client.get(JOBS).json()["items"]]
        mine = client.get("/api/v1/my/jobs", headers=headers).json()
        assert [(x["id"], x["open"]) for x in mine] == [(job_id, False)]

    def test_refusals(self, client: TestClient, session: Session) -> None:
        _, _, pending = org_member(session, verification=Verification.pending)
        _, _, headers = org_member(session)
        assert_error_shape(client.post(JOBS, json=job_body(), headers=pending), 403, "org_not_verified")
        past = job_body(closing_date=(today_cn() - timedelta(days=1)).isoformat())
        assert_error_shape(client.post(JOBS, json=past, headers=headers), 422, "closing_date_past")
        assert_error_shape(client.post(JOBS, json=job_body(salary_min_k=40), headers=headers), 422)
        assert_error_shape(client.post(JOBS, json=job_body(closing_date=None), headers=headers), 422)
        assert_error_shape(client.post(JOBS, json=job_body(description=f"{RISKY}的岗位描述内容"), headers=headers), 422)
        assert session.exec(select(Job)).all() == []
        r = client.post(JOBS, json=job_body(title=f"岗位{REVIEW}"), headers=headers)
        assert r.status_code == 201 and r.json()["verification"] == "pending"
        assert_error_shape(client.get(f"{JOBS}/{r.json()['id']}"), 404)


class TestJobUpdate:
    def test_owner_reopens_other_org_cannot(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session)
        _, _, other = org_member(session)
        job = factories.job(session, org_id=org.id, source="member", closing_date=today_cn() - timedelta(days=2))
        new_date = (today_cn() + timedelta(days=10)).isoformat()
        assert_error_shape(client.patch(f"{JOBS}/{job.id}", json={"closing_date": new_date}, headers=other), 404)
        session.refresh(job)
        assert job.closing_date == today_cn() - timedelta(days=2)
        r = client.patch(f"{JOBS}/{job.id}", json={"closing_date": new_date}, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["open"] is True
        assert client.get(f"{JOBS}/{job.id}").status_code == 200
        r = client.patch(f"{JOBS}/{job.id}", json={"salary_max_k": 1}, headers=headers)
        assert_error_shape(r, 422, "bad_salary")


class TestMyJobs:
    def test_mine_only(self, client: TestClient, session: Session) -> None:
        org, _, headers = org_member(session)
        other, _, _ = org_member(session)
        mine = factories.job(session, org_id=org.id, source="member")
        factories.job(session, org_id=other.id, source="member")
        factories.job(session)
        assert [x["id"] for x in client.get("/api/v1/my/jobs", headers=headers).json()] == [mine.id]
        _, no_org = plain_member(session)
        assert_error_shape(client.get("/api/v1/my/jobs", headers=no_org), 403)
