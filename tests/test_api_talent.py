from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.timeutil import today_cn
from tests import factories
from tests.contracts import DetailContract, ListContract, assert_error_shape, ids

SERVICES = "/api/v1/talent/services"
JOBS = "/api/v1/talent/jobs"
EXPERTS = "/api/v1/talent/experts"
PROGRAMMES = "/api/v1/talent/programmes"


class TestTalentServiceList(ListContract):
    url = SERVICES
    make = factories.talent_service
    enum_params = ("category",)

    def test_filter_category(self, client: TestClient, session: Session) -> None:
        settle = factories.talent_service(session, category="settlement")
        factories.talent_service(session, category="housing")
        assert ids(client.get(SERVICES, params={"category": "settlement"})) == [settle.id]


class TestTalentServiceGet(DetailContract):
    url = SERVICES
    make = factories.talent_service

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.talent_service(session, eligibility="博士")
        assert client.get(f"{SERVICES}/{row.id}").json()["eligibility"] == "博士"


class TestJobList(ListContract):
    url = JOBS
    make = factories.job
    extra_sorts = ("deadline",)

    def test_closed_jobs_are_not_listed(self, client: TestClient, session: Session) -> None:
        today = today_cn()
        last_day = factories.job(session, closing_date=today)
        open_ended = factories.job(session, closing_date=None)
        factories.job(session, closing_date=today - timedelta(days=1))
        assert set(ids(client.get(JOBS))) == {last_day.id, open_ended.id}
        assert client.get(JOBS).json()["total"] == 2

    def test_filter_education(self, client: TestClient, session: Session) -> None:
        master = factories.job(session, education="硕士")
        factories.job(session, education="本科")
        assert ids(client.get(JOBS, params={"education": "硕士"})) == [master.id]

    def test_sort_deadline_soonest_first(self, client: TestClient, session: Session) -> None:
        today = today_cn()
        late = factories.job(session, closing_date=today + timedelta(days=60))
        none = factories.job(session, closing_date=None)
        soon = factories.job(session, closing_date=today + timedelta(days=2))
        assert ids(client.get(JOBS, params={"sort": "deadline"})) == [soon.id, late.id, none.id]


class TestJobGet(DetailContract):
    url = JOBS
    make = factories.job

    def test_closed_job_is_404_and_not_counted(self, client: TestClient, session: Session) -> None:
        closed = factories.job(session, closing_date=today_cn() - timedelta(days=1))
        assert_error_shape(client.get(f"{JOBS}/{closed.id}"), 404, "not_found")
        session.refresh(closed)
        assert closed.view_count == 0

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.job(session, salary_min_k=15, salary_max_k=25, description="职责")
        body = client.get(f"{JOBS}/{row.id}").json()
        assert (body["salary_min_k"], body["salary_max_k"], body["description"]) == (15, 25, "职责")


class TestExpertList(ListContract):
    url = EXPERTS
    make = factories.expert

    def test_filter_field_keyword(self, client: TestClient, session: Session) -> None:
        chip = factories.expert(session, fields=["芯片设计"])
        factories.expert(session, fields=["生物医药"])
        assert ids(client.get(EXPERTS, params={"field": "芯片"})) == [chip.id]

    def test_summary(self, client: TestClient, session: Session) -> None:
        factories.expert(session, title="研究员", affiliation="中科院")
        item = client.get(EXPERTS).json()["items"][0]
        assert item["title"] == "研究员" and item["affiliation"] == "中科院"
        assert "bio" not in item and "achievements" not in item


class TestExpertGet(DetailContract):
    url = EXPERTS
    make = factories.expert

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.expert(session, achievements="获奖")
        assert client.get(f"{EXPERTS}/{row.id}").json()["achievements"] == "获奖"


class TestTrainingProgrammeList(ListContract):
    url = PROGRAMMES
    make = factories.training_programme

    def test_summary(self, client: TestClient, session: Session) -> None:
        factories.training_programme(session, partners=["南京大学"], capacity=20)
        item = client.get(PROGRAMMES).json()["items"][0]
        assert item["partners"] == ["南京大学"] and item["capacity"] == 20


class TestTrainingProgrammeGet(DetailContract):
    url = PROGRAMMES
    make = factories.training_programme

    def test_detail(self, client: TestClient, session: Session) -> None:
        row = factories.training_programme(session, description="联合培养介绍")
        assert client.get(f"{PROGRAMMES}/{row.id}").json()["description"] == "联合培养介绍"
