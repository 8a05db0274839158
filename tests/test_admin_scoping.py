"""City scoping matrix: a city admin of 南京 never lists, reads, exports or changes 苏州's rows, on any console page.

`test_every_console_route_is_in_the_matrix` fails when a console route is added without a line here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.admin.registry import BY_KEY
from app.audit.models import AuditLog
from app.audit.service import record
from app.bureaus.models import PushDuplicate
from app.core.models import Publication, Verification, utcnow
from app.home.models import Banner
from app.staff.models import StaffRole
from tests import factories as fx
from tests.admin_support import BUILDERS, Console, login, staff

OTHER = "suzhou"
OWN = "nanjing"

# Every console route (method, path) and the test below that proves it scoped; "public" needs no login.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("GET", "/login/totp"): "public",
    ("POST", "/login/totp"): "public",
    ("GET", "/login/enrol"): "public",
    ("POST", "/login/enrol"): "public",
    ("POST", "/logout"): "own session only",
    ("GET", "/"): "test_dashboard_and_queues",
    ("GET", "/static/admin.js"): "public",
    ("GET", "/review"): "test_dashboard_and_queues",
    ("GET", "/review/records/{key}"): "test_board_records",
    ("POST", "/review/records/{key}"): "test_board_records",
    ("GET", "/review/orgs"): "test_admin_console.py::TestOrgQueue",
    ("POST", "/review/orgs"): "test_admin_console.py::TestOrgQueue",
    ("GET", "/review/claims"): "test_claims",
    ("POST", "/review/claims"): "test_claims",
    ("GET", "/review/demands"): "test_demands",
    ("POST", "/review/demands"): "test_demands",
    ("GET", "/review/demands/{demand_id}"): "test_demands",
    ("GET", "/review/applications"): "test_applications",
    ("POST", "/review/applications"): "test_applications",
    ("GET", "/review/applications/{application_id}"): "test_applications",
    ("GET", "/review/duplicates"): "test_duplicates",
    ("POST", "/review/duplicates"): "test_duplicates",
    # held 留言 and 跟进记录: listed, counted and decided only in their city
    ("GET", "/review/contrib/{kind}"): "tests/test_contrib_console.py::TestConsoleContribQueue",
    ("POST", "/review/contrib/{kind}"): "tests/test_contrib_console.py::TestConsoleContribQueue",
    ("GET", "/boards"): "no rows",
    ("GET", "/boards/{key}"): "test_board_records",
    ("GET", "/boards/{key}/new"): "no rows",
    ("POST", "/boards/{key}/new"): "test_new_record_lands_in_own_city",
    ("POST", "/boards/{key}/publication"): "test_board_records",
    ("GET", "/boards/{key}/{record_id}"): "test_board_records",
    ("POST", "/boards/{key}/{record_id}"): "test_board_records",
    ("GET", "/banners"): "test_banners",
    ("GET", "/banners/new"): "no rows",
    ("POST", "/banners/new"): "test_banners",
    ("GET", "/banners/{banner_id}"): "test_banners",
    ("POST", "/banners/{banner_id}"): "test_banners",
    ("POST", "/banners/{banner_id}/active"): "test_banners",
    ("GET", "/exports"): "test_exports",
    ("GET", "/exports/download"): "test_exports",
    ("GET", "/stats"): "test_stats",
    ("GET", "/audit"): "test_audit",
    ("GET", "/bureaus"): "test_bureaus_keys_and_reports",
    ("POST", "/bureaus"): "test_bureaus_keys_and_reports",
    ("GET", "/bureaus/{bureau_id}"): "test_bureaus_keys_and_reports",
    ("POST", "/bureaus/{bureau_id}/keys"): "test_bureaus_keys_and_reports",
    ("POST", "/bureaus/{bureau_id}/keys/{key_id}/revoke"): "test_bureaus_keys_and_reports",
    ("POST", "/bureaus/{bureau_id}/keys/{key_id}/rotate"): "test_bureaus_keys_and_reports",
    ("GET", "/bureaus/{bureau_id}/batches/{batch_id}"): "test_bureaus_keys_and_reports",
    ("GET", "/imports"): "no rows",
    ("GET", "/imports/{kind}/template"): "no rows",
    ("GET", "/imports/{kind}"): "test_excel_import",
    ("POST", "/imports/{kind}"): "test_excel_import",
}


@pytest.fixture()
def clients() -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for c in made:
        c.close()


@pytest.fixture()
def own(app: FastAPI, session: Session, clients: list[TestClient]) -> Console:
    return login(app, staff(session, "nj-city-admin", StaffRole.city_admin, OWN), clients)


@pytest.fixture()
def district_console(app: FastAPI, session: Session, clients: list[TestClient]) -> Console:
    """District staff see every city: the counts the city admin must not see are really there."""
    return login(app, staff(session, "district-admin", StaffRole.district_admin), clients)


def _snapshot(row: Any) -> dict[str, Any]:
    return {k: v for k, v in row.model_dump().items() if k not in ("updated_at",)}


def _routes(routes: Any) -> Iterator[Any]:
    """Every route with its full path: FastAPI keeps an included router as one entry that expands into its routes."""
    for r in routes:
        if hasattr(r, "effective_route_contexts"):
            yield from r.effective_route_contexts()
        else:
            yield r


def test_every_console_route_is_in_the_matrix(app: FastAPI) -> None:
    admin = next(r.app for r in app.routes if getattr(r, "path", "") == "/admin")  # the mounted console
    routes = {
        (m, r.path)
        for r in _routes(admin.routes)
        if isinstance(getattr(r, "original_route", r), APIRoute)
        for m in r.methods
        if m not in ("HEAD",)
    }
    assert ("GET", "/review/demands/{demand_id}") in routes and ("POST", "/login") in routes  # the walk sees them
    assert routes - set(MATRIX) == set(), "console routes without a city-scoping test"
    assert set(MATRIX) - routes == set(), "matrix lines of routes that no longer exist"


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_board_records(own: Console, session: Session, key: str) -> None:
    entry = BY_KEY[key]
    # pushed by each city's bureau and waiting for 数据核验
    other = BUILDERS[key](session, city_code=OTHER, source="bureau", verification=Verification.pending)
    mine = BUILDERS[key](session, city_code=OWN, source="bureau", verification=Verification.pending)
    before = _snapshot(other)
    link = f'/admin/boards/{key}/{other.id}"'
    # lists: the editor's, filtered by the other city too, and the review queue
    for url in (
        f"/admin/boards/{key}",
        f"/admin/boards/{key}?city={OTHER}",
        f"/admin/review/records/{key}",
        f"/admin/review/records/{key}?city={OTHER}",
    ):
        r = own.get(url)
        assert r.status_code == 200, url
        assert link not in r.text, url
    assert f'/admin/boards/{key}/{mine.id}"' in own.get(f"/admin/boards/{key}").text
    # read
    assert own.get(f"/admin/boards/{key}/{other.id}").status_code == 404
    # change: edit, publish/unpublish, approve, reject
    assert own.post(f"/admin/boards/{key}/{other.id}", {entry.title: "改了别的城市"}).status_code == 404
    own.post(f"/admin/boards/{key}/publication", {"action": "unpublish", "ids": [other.id]})
    own.post(f"/admin/review/records/{key}", {"action": "approve", "ids": [other.id]})
    own.post(f"/admin/review/records/{key}", {"action": "reject", "ids": [other.id], "reason": "越权"})
    session.refresh(other)
    assert _snapshot(other) == before
    assert other.publication == Publication.published and other.verification == Verification.pending
    # ... while the same requests do change the own city's record
    own.post(f"/admin/review/records/{key}", {"action": "approve", "ids": [mine.id]})
    session.refresh(mine)
    assert mine.verification == Verification.verified


@pytest.mark.parametrize("key", ["achievement", "financingneed", "job", "techmanager"])
def test_member_records(own: Console, session: Session, key: str) -> None:
    """Members' records the content check held: the same matrix through the contributions' review."""
    other = BUILDERS[key](session, city_code=OTHER, source="member", verification=Verification.pending)
    mine = BUILDERS[key](session, city_code=OWN, source="member", verification=Verification.pending)
    before = _snapshot(other)
    for url in (f"/admin/review/records/{key}", f"/admin/review/records/{key}?city={OTHER}"):
        text = own.get(url).text
        assert f'value="{other.id}"' not in text and f'value="{mine.id}"' in text, url
    own.post(f"/admin/review/records/{key}", {"action": "approve", "ids": [other.id, mine.id]})
    own.post(f"/admin/review/records/{key}", {"action": "reject", "ids": [other.id], "reason": "越权"})
    session.refresh(other)
    session.refresh(mine)
    assert _snapshot(other) == before and mine.verification == Verification.verified


def test_new_record_lands_in_own_city(own: Console, session: Session) -> None:
    from app.boards.policy.models import Policy

    r = own.post(
        "/admin/boards/policy/new",
        {"title": "越权新建", "issuer": "某局", "level": "city", "category": "tax", "city_code": OTHER},
    )
    assert r.status_code == 303, r.text
    assert session.exec(select(Policy).where(Policy.title == "越权新建")).one().city_code == OWN


def _counts(html: str) -> dict[str, int]:
    return {
        name: int(n) for name, n in re.findall(r'<a href="[^"]*">([^<]+)</a></td><td class="num">(?:<b>)?(\d+)', html)
    }


def _demand_world(session: Session, city: str, n: int) -> dict[str, Any]:
    """In one city: a demand awaiting review (held by the content check), a published one with a held application,
    and a cross-city duplicate flag between two other cities' records when `city` is not ours."""
    org = fx.organization(session, f"{city}的发榜单位", fx.credit_code(n, prefix="913205000"), city_code=city)
    member, _ = fx.member(session, f"o-scope-{city}", org=org)
    solver = fx.organization(session, f"{city}的揭榜单位", fx.credit_code(n + 1, prefix="913205000"), city_code=city)
    pending = fx.demand(
        session, org, status="pending_review", published_at=None, submitted_at=utcnow(), content_verdict="review"
    )
    live = fx.demand(session, org)
    held = fx.demand_application(session, live, solver, member, status="pending_review", content_verdict="review")
    return {"demand": pending, "live": live, "application": held}


def test_dashboard_and_queues(own: Console, session: Session, district_console: Console) -> None:
    for _ in range(3):
        fx.policy(session, city_code=OTHER, source="bureau", verification=Verification.pending)
    _demand_world(session, OTHER, 10)
    _duplicate(session, OTHER, "wuxi")
    mine, everyone = _counts(own.get("/admin/review").text), _counts(district_console.get("/admin/review").text)
    for queue in ("政策核验", "榜单审核", "内容检测待复核的榜单", "内容检测待复核的揭榜申请", "跨城市疑似重复"):
        assert mine[queue] == 0 and everyone[queue] > 0, queue
    home = own.get("/admin/").text
    assert "政策核验" not in home and "榜单审核" not in home and "跨城市疑似重复" not in home


def test_demands(own: Console, session: Session) -> None:
    theirs, ours = _demand_world(session, OTHER, 20), _demand_world(session, OWN, 30)
    other, mine = theirs["demand"], ours["demand"]
    for url in ("/admin/review/demands", f"/admin/review/demands?city={OTHER}", "/admin/review/demands?held=1"):
        text = own.get(url).text
        assert f'value="{other.id}"' not in text and other.org_name not in text, url
    assert f'value="{mine.id}"' in own.get("/admin/review/demands").text
    assert own.get(f"/admin/review/demands/{other.id}").status_code == 404
    assert own.get(f"/admin/review/demands/{theirs['live'].id}").status_code == 404
    assert own.get(f"/admin/review/demands/{mine.id}").status_code == 200
    before = _snapshot(other)
    own.post("/admin/review/demands", {"action": "approve", "ids": [other.id]})
    own.post("/admin/review/demands", {"action": "reject", "ids": [other.id], "reason": "越权"})
    session.refresh(other)
    assert _snapshot(other) == before and other.status == "pending_review"
    own.post("/admin/review/demands", {"action": "approve", "ids": [mine.id]})
    session.refresh(mine)
    assert mine.status == "published"


def test_applications(own: Console, session: Session) -> None:
    theirs, ours = _demand_world(session, OTHER, 40), _demand_world(session, OWN, 50)
    other, mine = theirs["application"], ours["application"]
    for url in ("/admin/review/applications", f"/admin/review/applications?city={OTHER}"):
        text = own.get(url).text
        assert f'value="{other.id}"' not in text and f"{OTHER}的揭榜单位" not in text, url
    assert f'value="{mine.id}"' in own.get("/admin/review/applications").text
    assert own.get(f"/admin/review/applications/{other.id}").status_code == 404
    assert own.get(f"/admin/review/applications/{mine.id}").status_code == 200
    before = _snapshot(other)
    own.post("/admin/review/applications", {"action": "approve", "ids": [other.id]})
    own.post("/admin/review/applications", {"action": "reject", "ids": [other.id], "reason": "越权"})
    session.refresh(other)
    assert _snapshot(other) == before and other.status == "pending_review"
    session.refresh(theirs["live"])
    assert theirs["live"].application_count == 0
    own.post("/admin/review/applications", {"action": "reject", "ids": [mine.id], "reason": "本市的"})
    session.refresh(mine)
    assert mine.status == "rejected"


def _duplicate(session: Session, city: str, other_city: str) -> PushDuplicate:
    a = fx.resource(session, city_code=city, source="bureau")
    b = fx.resource(session, city_code=other_city, source="bureau")
    return fx.add(  # type: ignore[no-any-return]
        session,
        PushDuplicate(
            kind="resource",
            reason="name_address",
            match_value=f"{city}-{other_city}",
            record_id=a.id,
            city_code=city,
            other_record_id=b.id,
            other_city_code=other_city,
        ),
    )


def test_duplicates(own: Console, session: Session) -> None:
    elsewhere = _duplicate(session, OTHER, "wuxi")  # neither side is ours
    shared = _duplicate(session, "wuxi", OWN)  # ours is the other side: both cities' staff may resolve it
    for params in ({}, {"resolved": "true"}):
        text = own.get("/admin/review/duplicates", params=params).text
        assert f"{OTHER}-wuxi" not in text and f'value="{elsewhere.id}"' not in text
        assert f"wuxi-{OWN}" in text
    assert f'href="/admin/boards/resource/{shared.record_id}"' not in own.get("/admin/review/duplicates").text
    own.post("/admin/review/duplicates", {"ids": [elsewhere.id], "resolution": "越权处理"})
    session.refresh(elsewhere)
    assert elsewhere.resolved_at is None and elsewhere.resolution == ""
    own.post("/admin/review/duplicates", {"ids": [shared.id], "resolution": "不同校区，非重复"})
    session.refresh(shared)
    assert shared.resolved_at is not None


def test_banners(own: Console, session: Session) -> None:
    other = fx.add(session, Banner(title="苏州横幅", image_url="https://example.org/s.png", city_code=OTHER))
    everyone = fx.add(session, Banner(title="全域横幅", image_url="https://example.org/a.png", city_code=None))
    page = own.get("/admin/banners").text
    assert "苏州横幅" not in page and "全域横幅" not in page
    for b in (other, everyone):
        assert own.get(f"/admin/banners/{b.id}").status_code == 404
        assert own.post(f"/admin/banners/{b.id}", {"title": "改", "image_url": "x"}).status_code == 404
        assert own.post(f"/admin/banners/{b.id}/active", {"active": "false"}).status_code == 404
        session.refresh(b)
        assert b.active and b.title in ("苏州横幅", "全域横幅")
    r = own.post("/admin/banners/new", {"title": "新横幅", "image_url": "https://example.org/n.png", "city_code": ""})
    assert r.status_code == 303
    assert session.exec(select(Banner).where(Banner.title == "新横幅")).one().city_code == OWN


def test_exports(own: Console, session: Session) -> None:
    fx.resource(session, city_code=OTHER, name="苏州的资源")
    fx.resource(session, city_code=OWN, name="南京的资源")
    fx.cooperation_item(session, city_code=OTHER, title="苏州的合作")
    for params in ({"list": "all"}, {"list": "all", "city": OTHER}, {"list": "resources", "city": OTHER}):
        r = own.get("/admin/exports/download", params=params)
        assert r.status_code == 200, r.text
        wb = load_workbook(BytesIO(r.content))
        cells = {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row}
        assert "苏州的资源" not in cells and "苏州的合作" not in cells
        assert "苏州" not in {row[1] for ws in wb.worksheets for row in ws.iter_rows(min_row=2, values_only=True)}
    page = own.get("/admin/exports").text
    assert "全部城市" not in page.split("<main>")[1]


def test_stats(own: Console, session: Session) -> None:
    for _ in range(4):
        fx.policy(session, city_code=OTHER)
    fx.policy(session, city_code=OWN)
    html = own.get("/admin/stats").text
    row = html.split("<td>政策发布</td>")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    # columns: putuo nanjing wuxi changzhou suzhou ...
    assert cells[1] == "1" and cells[4] == "0"


def test_audit(own: Console, session: Session) -> None:
    record(session, actor_type="staff", actor_id="1", city_code=OTHER, action="policy.secret_of_suzhou")
    record(session, actor_type="staff", actor_id="1", city_code=None, action="system.district_wide")
    record(session, actor_type="staff", actor_id="1", city_code=OWN, action="policy.of_nanjing")
    for params in ({}, {"city": OTHER}, {"action": "policy."}):
        text = own.get("/admin/audit", params=params).text
        assert "policy.secret_of_suzhou" not in text and "system.district_wide" not in text
    assert "policy.of_nanjing" in own.get("/admin/audit").text
    assert session.exec(select(AuditLog).where(AuditLog.action == "policy.secret_of_suzhou")).one()


def test_claims(own: Console, session: Session) -> None:
    from app.orgs.models import ClaimStatus, OrgClaim

    org = fx.organization(session, "苏州某研究院", "12320500MB1XXXXX4E", city_code=OTHER)
    m, _ = fx.member(session, "o-claimer")
    claim = fx.add(session, OrgClaim(org_id=org.id, member_id=m.id, note="我是员工"))
    assert "苏州某研究院" not in own.get("/admin/review/claims").text
    r = own.post("/admin/review/claims", {"action": "approve", "ids": [claim.id]})
    assert r.status_code == 303
    session.refresh(claim)
    assert claim.status == ClaimStatus.pending


def test_bureaus_keys_and_reports(own: Console, client: TestClient, session: Session) -> None:
    from app.bureaus.models import Bureau, BureauKey, PushBatch
    from tests.push_helpers import headers, resource_record

    other, other_key = fx.bureau_key(session, OTHER)
    mine, _ = fx.bureau_key(session, OWN)
    batch_id = client.post(
        "/api/v1/push/resource", json={"records": [resource_record(1)]}, headers=headers(other_key)
    ).json()["batch_id"]
    key = session.exec(select(BureauKey).where(BureauKey.bureau_id == other.id)).one()
    before = _snapshot(key)
    # list
    page = own.get("/admin/bureaus").text
    assert f'/admin/bureaus/{other.id}"' not in page and f'/admin/bureaus/{mine.id}"' in page
    # read: the bureau, its report, and the report through the own bureau's URL
    assert own.get(f"/admin/bureaus/{other.id}").status_code == 404
    assert own.get(f"/admin/bureaus/{other.id}/batches/{batch_id}").status_code == 404
    assert own.get(f"/admin/bureaus/{mine.id}/batches/{batch_id}").status_code == 404
    # change: issue, revoke, rotate (also with the own bureau in the URL)
    assert own.post(f"/admin/bureaus/{other.id}/keys", {"scopes": ["resources"]}).status_code == 404
    for bureau_id in (other.id, mine.id):
        assert own.post(f"/admin/bureaus/{bureau_id}/keys/{key.id}/revoke").status_code == 404
        assert own.post(f"/admin/bureaus/{bureau_id}/keys/{key.id}/rotate").status_code == 404
    session.refresh(key)
    assert _snapshot(key) == before
    assert len(session.exec(select(BureauKey).where(BureauKey.bureau_id == other.id)).all()) == 1
    # create: lands in the own city whatever the form says
    assert own.post("/admin/bureaus", {"name": "越权推送单位", "city_code": OTHER}).status_code == 303
    assert session.exec(select(Bureau).where(Bureau.name == "越权推送单位")).one().city_code == OWN
    assert len(session.exec(select(PushBatch)).all()) == 1


def test_excel_import(own: Console, session: Session) -> None:
    from app.boards.resources.models import Resource
    from app.bureaus.kinds import PushKind
    from app.bureaus.models import PushBatch
    from tests.test_push_reports import filled

    other, _ = fx.bureau_key(session, OTHER)
    mine, _ = fx.bureau_key(session, OWN)
    form = own.get(f"/admin/imports/resource?bureau={other.id}").text
    assert f'value="{other.id}"' not in form and f'value="{mine.id}"' in form
    data = filled(PushKind.resource, [{"source_id": "S-1", "name": "越权导入", "kind": "platform"}])
    files = {"file": ("r.xlsx", data, "application/octet-stream")}
    r = own.post("/admin/imports/resource", {"bureau_id": other.id, "nonce": "x" * 22, "atomic": "on"}, files=files)
    assert r.status_code == 404, r.text
    assert session.exec(select(Resource)).all() == [] and session.exec(select(PushBatch)).all() == []
    r = own.post("/admin/imports/resource", {"bureau_id": mine.id, "nonce": "y" * 22, "atomic": "on"}, files=files)
    assert r.status_code == 200, r.text
    assert session.exec(select(Resource)).one().city_code == OWN
