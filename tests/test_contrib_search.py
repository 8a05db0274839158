"""What members contribute is found by the site search once public, and leaves it when it is no longer public:
staff approval, the owner's 下架 / 重新上架, an edit held by the content check, a job past its closing date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

import app.search  # noqa: F401  (registers the index listeners)
from app.boards.talent.models import Job
from app.core.timeutil import today_cn
from app.moderation.service import install_checker
from app.search.indexer import remove_closed_jobs
from tests.contracts import assert_error_shape
from tests.contrib_support import REVIEW, fake_checker, org_member, staff_headers
from tests.test_contrib_achievements import body as achievement_body
from tests.test_contrib_events import STAFF_EVENTS, event_body
from tests.test_contrib_finance_jobs import JOBS, NEEDS, job_body, need_body
from tests.test_contrib_managers import APPLY, apply_body

ACHIEVEMENTS = "/api/v1/showcase/achievements"
REVIEW_URL = "/api/v1/staff/review"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def found(client: TestClient, q: str, **params: str) -> set[tuple[str, int]]:
    r = client.get("/api/v1/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return {(x["kind"], x["id"]) for x in r.json()["items"]}


def university(session: Session, city: str = "changzhou"):  # type: ignore[no-untyped-def]
    return org_member(session, "常州某大学", org_type="university", city=city)


class TestSearchFindsAchievements:
    def test_held_then_approved_then_unpublished_and_back(self, client: TestClient, session: Session) -> None:
        _, _, headers = university(session)
        r = client.post(ACHIEVEMENTS, json=achievement_body(title=f"钙钛矿叠层电池封装{REVIEW}"), headers=headers)
        assert r.status_code == 201, r.text
        key = ("achievement", r.json()["id"])
        assert key not in found(client, "钙钛矿")  # held by the content check

        ok = client.post(f"{REVIEW_URL}/achievement/{key[1]}/approve", headers=staff_headers(session, city="changzhou"))
        assert ok.status_code == 200, ok.text
        assert key in found(client, "钙钛矿")
        assert key in found(client, "叠层电池", board="showcase", city="changzhou")
        hit = client.get("/api/v1/search", params={"q": "钙钛矿"}).json()["items"][0]
        assert hit["path"] == f"/api/v1/showcase/achievements/{key[1]}" and "<em>钙钛矿</em>" in hit["title_html"]
        assert "13800001111" not in client.get("/api/v1/search", params={"q": "钙钛矿"}).text

        down = client.post(f"{ACHIEVEMENTS}/{key[1]}/unpublish", headers=headers)
        assert down.status_code == 200, down.text
        assert key not in found(client, "钙钛矿")
        up = client.post(f"{ACHIEVEMENTS}/{key[1]}/publish", headers=headers)
        assert up.status_code == 200, up.text
        assert key in found(client, "钙钛矿")

    def test_rejected_is_never_found(self, client: TestClient, session: Session) -> None:
        _, _, headers = university(session)
        r = client.post(ACHIEVEMENTS, json=achievement_body(title=f"氢燃料电池双极板{REVIEW}"), headers=headers)
        no = client.post(
            f"{REVIEW_URL}/achievement/{r.json()['id']}/reject",
            json={"reason": "材料不全"},
            headers=staff_headers(session, city="changzhou"),
        )
        assert no.status_code == 200, no.text
        assert ("achievement", r.json()["id"]) not in found(client, "双极板")


class TestSearchFindsFinancingNeeds:
    def test_public_at_once_edit_held_goes_then_approved_returns(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session, "无锡某储能公司", org_type="enterprise", city="wuxi")
        r = client.post(NEEDS, json=need_body(title="液流储能电站B轮融资"), headers=headers)
        assert r.status_code == 201, r.text
        key = ("financing_need", r.json()["id"])
        assert key in found(client, "液流储能", board="finance")
        held = client.patch(f"{NEEDS}/{key[1]}", json={"description": f"补充说明{REVIEW}"}, headers=headers)
        assert held.status_code == 200 and held.json()["verification"] == "pending"
        assert key not in found(client, "液流储能")
        ok = client.post(f"{REVIEW_URL}/financing_need/{key[1]}/approve", headers=staff_headers(session, city="wuxi"))
        assert ok.status_code == 200, ok.text
        assert key in found(client, "液流储能")


class TestSearchFindsJobs:
    def test_found_until_unpublished_or_closed(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session, "南通某研究院", org_type="institute", city="nantong")
        r = client.post(JOBS, json=job_body(title="海工装备焊接工艺工程师"), headers=headers)
        assert r.status_code == 201, r.text
        key = ("job", r.json()["id"])
        assert key in found(client, "焊接工艺", board="talent")
        assert client.post(f"{JOBS}/{key[1]}/unpublish", headers=headers).status_code == 200
        assert key not in found(client, "焊接工艺")
        assert client.post(f"{JOBS}/{key[1]}/publish", headers=headers).status_code == 200
        assert key in found(client, "焊接工艺")

    def test_a_job_that_closed_by_its_date_is_swept_out(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session, "南通某研究院", org_type="institute", city="nantong")
        r = client.post(JOBS, json=job_body(title="深远海风电运维工程师"), headers=headers)
        job_id = r.json()["id"]
        still_open = client.post(JOBS, json=job_body(title="深远海风电结构工程师"), headers=headers).json()["id"]
        # Nothing writes to a job when the calendar closes it: simulate the passing days under the ORM's feet.
        yesterday = today_cn() - timedelta(days=1)
        session.connection().execute(
            sa.update(Job.__table__).where(Job.__table__.c.id == job_id).values(closing_date=yesterday)
        )  # type: ignore[attr-defined]
        assert ("job", job_id) in found(client, "深远海风电")
        assert remove_closed_jobs(session) == 1
        assert found(client, "深远海风电") == {("job", still_open)}
        assert remove_closed_jobs(session) == 0

    def test_a_job_closed_on_edit_is_not_indexed(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session, "南通某研究院", org_type="institute", city="nantong")
        job_id = client.post(JOBS, json=job_body(title="船舶涂装工艺工程师"), headers=headers).json()["id"]
        session.exec(sa.update(Job).where(Job.id == job_id).values(closing_date=today_cn() - timedelta(days=1)))  # type: ignore[call-overload]
        assert ("job", job_id) not in found(client, "涂装工艺")


class TestSearchFindsManagersAndEvents:
    def test_manager_profile_once_verified(self, client: TestClient, session: Session) -> None:
        _, _, headers = org_member(session, "苏州某技术转移中心", org_type="service", city="suzhou")
        r = client.post(APPLY, json=apply_body(name="陈经理", fields=["钠离子电池"]), headers=headers)
        assert r.status_code == 201, r.text
        key = ("tech_manager", r.json()["id"])
        assert key not in found(client, "钠离子")
        ok = client.post(f"{REVIEW_URL}/manager/{key[1]}/approve", headers=staff_headers(session, city="suzhou"))
        assert ok.status_code == 200, ok.text
        assert key in found(client, "钠离子", board="tech")
        assert "JSJL-2026-018" not in client.get("/api/v1/search", params={"q": "钠离子"}).text

    def test_staff_event(self, client: TestClient, session: Session) -> None:
        r = client.post(STAFF_EVENTS, json=event_body(title="院所开放日·集成电路专场"), headers=staff_headers(session))
        assert r.status_code == 201, r.text
        assert ("event", r.json()["id"]) in found(client, "集成电路", board="showcase")


class TestOwnPublicationRefusals:
    """The 下架 / 重新上架 routes of the three kinds: another organisation → 404 with nothing changed, repeat → 409."""

    @pytest.mark.parametrize(
        ("url", "make", "q"),
        [
            (ACHIEVEMENTS, lambda: achievement_body(title="金刚石散热片制备"), "金刚石"),
            (NEEDS, lambda: need_body(title="金刚石散热片产线融资"), "金刚石"),
            (JOBS, lambda: job_body(title="金刚石散热片工艺工程师"), "金刚石"),
        ],
    )
    def test_other_org_404_and_repeat_409(self, client: TestClient, session: Session, url, make, q) -> None:  # type: ignore[no-untyped-def]
        _, _, headers = org_member(session, "常州某企业", org_type="enterprise", city="changzhou")
        _, _, other = org_member(session, "常州另一企业", org_type="enterprise", city="changzhou")
        item_id = client.post(url, json=make(), headers=headers).json()["id"]
        assert_error_shape(client.post(f"{url}/{item_id}/unpublish", headers=other), 404)
        assert len(found(client, q)) == 1
        assert_error_shape(client.post(f"{url}/{item_id}/publish", headers=headers), 409, "already_published")
        assert client.post(f"{url}/{item_id}/unpublish", headers=headers).json()["publication"] == "unpublished"
        assert_error_shape(client.post(f"{url}/{item_id}/unpublish", headers=headers), 409, "already_unpublished")
        assert_error_shape(client.post(f"{url}/{item_id}/publish", headers=other), 404)
        assert found(client, q) == set()
        assert_error_shape(client.post(f"{url}/{item_id}/unpublish"), 401)
