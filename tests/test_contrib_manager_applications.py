"""The assigned 技术经理人 sees the applications of the demand they follow, and nobody else does through this route."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.managers.models import DemandAssignment
from app.moderation.service import install_checker
from tests.contracts import assert_error_shape
from tests.contrib_support import REVIEW, fake_checker, org_member, plain_member, staff_headers
from tests.test_contrib_managers import ASSIGNMENTS, CLAIMS, demand, manager

FULL_PHONE = "13900001111"


@pytest.fixture(autouse=True)
def _checker() -> Iterator[None]:
    install_checker(fake_checker)
    yield
    install_checker(None)


def apply(client: TestClient, demand_id: int, headers: dict[str, str], **kw: object) -> dict[str, object]:
    body: dict[str, object] = {
        "proposal": "采用原位聚合界面层方案，已有小试数据。",
        "team": "教授 1 名，博士 3 名",
        "budget_wan_yuan": 200,
        "timeline": "12 个月",
        "attachments": [{"name": "小试报告.pdf", "url": "https://example.com/report.pdf"}],
        "contact_name": "李老师",
        "contact_phone": FULL_PHONE,
    }
    body.update(kw)
    r = client.post(f"/api/v1/demands/{demand_id}/applications", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


class TestTechAssignmentApplications:
    def test_manager_sees_applicants_with_masked_phones(self, client: TestClient, session: Session) -> None:
        poster, _, _ = org_member(session, "常州某电池企业", org_type="enterprise", city="changzhou")
        d = demand(session, poster)
        _, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        uni, _, uni_headers = org_member(session, "南京某大学", org_type="university", city="nanjing")
        partner, _, _ = org_member(session, "无锡某研究院", org_type="institute", city="wuxi")
        inst, _, inst_headers = org_member(session, "苏州某研究所", org_type="institute", city="suzhou")
        first = apply(client, d.id, uni_headers, partners=[{"org_id": partner.id, "role": "中试验证"}])
        held = apply(client, d.id, inst_headers, proposal=f"方案说明{REVIEW}，待人工复核。")
        assert held["status"] == "pending_review"

        r = client.get(f"{ASSIGNMENTS}/{assignment_id}/applications", headers=headers)
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == 1 and page["has_more"] is False
        (item,) = page["items"]
        assert item["id"] == first["id"] and item["status"] == "submitted"
        assert (item["org_name"], item["org_type"], item["org_city_code"]) == (uni.name, "university", "nanjing")
        assert item["partners"] == [{"name": partner.name, "role": "中试验证"}]
        assert item["proposal"].startswith("采用原位聚合") and item["contact_name"] == "李老师"
        assert item["contact_phone"] == "139****1111"
        assert FULL_PHONE not in r.text and "attachments" not in item and "report.pdf" not in r.text
        assert inst.name not in r.text  # held by the content check: not even the poster sees it yet

        filtered = client.get(
            f"{ASSIGNMENTS}/{assignment_id}/applications", params={"status": "shortlisted"}, headers=headers
        )
        assert filtered.status_code == 200 and filtered.json()["items"] == []

    def test_nobody_but_the_assigned_manager(self, client: TestClient, session: Session) -> None:
        poster, _, poster_headers = org_member(session, org_type="enterprise")
        d = demand(session, poster)
        _, headers = manager(session)
        _, other_manager = manager(session)
        _, _, applicant = org_member(session, "南京某大学", org_type="university", city="nanjing")
        _, stranger = plain_member(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        apply(client, d.id, applicant)
        url = f"{ASSIGNMENTS}/{assignment_id}/applications"
        for h in (other_manager, applicant, poster_headers, stranger):
            r = client.get(url, headers=h)
            assert_error_shape(r, 404)
            assert FULL_PHONE not in r.text
        assert_error_shape(client.get(url), 401)
        assert_error_shape(client.get(f"{ASSIGNMENTS}/{assignment_id + 999}/applications", headers=headers), 404)
        assert client.get(url, headers=headers).json()["total"] == 1

    def test_not_after_the_assignment_ended(self, client: TestClient, session: Session) -> None:
        poster, _, _ = org_member(session, org_type="enterprise", city="nantong")
        d = demand(session, poster)
        _, headers = manager(session)
        assignment_id = client.post(CLAIMS, json={"demand_id": d.id}, headers=headers).json()["id"]
        ended = client.post(
            f"/api/v1/staff/assignments/{assignment_id}/end", headers=staff_headers(session, city="nantong")
        )
        assert ended.status_code == 200, ended.text
        assignment = session.get(DemandAssignment, assignment_id)
        assert assignment is not None and assignment.status == "ended"
        r = client.get(f"{ASSIGNMENTS}/{assignment_id}/applications", headers=headers)
        assert_error_shape(r, 409, "assignment_not_active")
