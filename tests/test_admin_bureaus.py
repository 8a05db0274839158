"""Console pages for bureaus, their API keys, their push reports and the Excel import, over app/bureaus."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from app.audit.models import AuditLog
from app.boards.resources.models import Resource
from app.bureaus.keys import parse_key
from app.bureaus.kinds import PushKind
from app.bureaus.models import Bureau, BureauKey, PushBatch
from app.core.models import utcnow
from app.staff.models import StaffRole
from tests import factories as fx
from tests.admin_support import Console, login, staff
from tests.push_helpers import headers, resource_record
from tests.test_push_reports import filled

KEY_RE = re.compile(r'<code id="plain-key"[^>]*>(yhn_[A-Za-z0-9_]+)</code>')


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
def wuxi(app: FastAPI, session: Session, clients: list[TestClient]) -> Console:
    return login(app, staff(session, "wx-admin", StaffRole.city_admin, "wuxi"), clients)


def plain_key(html: str) -> str:
    m = KEY_RE.search(html)
    assert m, html
    return m.group(1)


def push(client: TestClient, key: str, records: list[dict[str, Any]], atomic: bool = True) -> Any:
    return client.post("/api/v1/push/resource", json={"records": records, "atomic": atomic}, headers=headers(key))


def issue(console: Console, bureau_id: int, scopes: tuple[str, ...] = ("resources",), days: int = 30) -> Any:
    return console.post(
        f"/admin/bureaus/{bureau_id}/keys", {"scopes": list(scopes), "expires_in_days": days, "name": "夜间同步"}
    )


def upload(console: Console, kind: str, bureau_id: int, data: bytes, nonce: str, atomic: bool = True) -> Any:
    form: dict[str, Any] = {"bureau_id": bureau_id, "nonce": nonce}
    if atomic:
        form["atomic"] = "on"
    files = {"file": ("清单.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    return console.post(f"/admin/imports/{kind}", form, files=files)


GOOD = {"source_id": "X-1", "name": "无锡导入平台", "kind": "platform"}


class TestBureauList:
    def test_district_sees_every_city_city_admin_its_own(
        self, district: Console, wuxi: Console, session: Session
    ) -> None:
        fx.bureau_key(session, "wuxi")
        fx.bureau_key(session, "nanjing")
        page = district.get("/admin/bureaus")
        assert page.status_code == 200, page.text
        assert "wuxi科技局" in page.text and "nanjing科技局" in page.text
        page = wuxi.get("/admin/bureaus")
        assert "wuxi科技局" in page.text and "nanjing科技局" not in page.text

    def test_expiry_warnings(self, district: Console, session: Session) -> None:
        soon, _ = fx.bureau_key(session, "wuxi", days=5)
        gone, _ = fx.bureau_key(session, "suzhou", days=30)
        fine, _ = fx.bureau_key(session, "nanjing", days=200)
        key = session.exec(select(BureauKey).where(BureauKey.bureau_id == gone.id)).one()
        key.expires_at = utcnow() - timedelta(days=1)
        session.add(key)
        session.flush()
        rows = {
            b: district.get("/admin/bureaus").text.split(f'href="/admin/bureaus/{b}"')[1].split("</tr>")[0]
            for b in (soon.id, gone.id, fine.id)
        }
        assert "14 天内过期" in rows[soon.id] and "data-expiry-warning" not in rows[fine.id]
        assert "密钥已过期" in rows[gone.id]
        detail = district.get(f"/admin/bureaus/{soon.id}").text
        assert "即将过期（" in detail and "从未使用" in detail
        assert "已过期" in district.get(f"/admin/bureaus/{gone.id}").text

    def test_reviewer_may_not_open(self, app: FastAPI, session: Session, clients: list[TestClient]) -> None:
        reviewer = login(app, staff(session, "rv", StaffRole.reviewer, "wuxi"), clients)
        assert reviewer.get("/admin/bureaus").status_code == 403
        assert reviewer.get("/admin/imports").status_code == 403


class TestBureauCreate:
    def test_city_admin_creates_in_own_city_whatever_the_form_says(self, wuxi: Console, session: Session) -> None:
        r = wuxi.post("/admin/bureaus", {"name": "无锡市科学技术局", "city_code": "suzhou", "contact_name": "王"})
        assert r.status_code == 303, r.text
        bureau = session.exec(select(Bureau).where(Bureau.name == "无锡市科学技术局")).one()
        assert (bureau.city_code, bureau.trusted) == ("wuxi", False)
        assert r.headers["location"].startswith(f"/admin/bureaus/{bureau.id}")
        assert session.exec(select(AuditLog).where(AuditLog.action == "bureau.create")).one().city_code == "wuxi"

    def test_only_district_sets_trusted(self, wuxi: Console, district: Console, session: Session) -> None:
        r = wuxi.post("/admin/bureaus", {"name": "无锡市科技局", "trusted": "on"})
        assert r.status_code == 403, r.text
        assert session.exec(select(Bureau)).all() == []
        r = district.post("/admin/bureaus", {"name": "常州市科技局", "city_code": "changzhou", "trusted": "on"})
        assert r.status_code == 303, r.text
        assert session.exec(select(Bureau)).one().trusted is True

    def test_invalid_form_gives_field_errors(self, district: Console, session: Session) -> None:
        r = district.post("/admin/bureaus", {"name": "局", "city_code": "wuxi"})
        assert r.status_code == 422, r.text
        assert "name" in r.text
        r = district.post("/admin/bureaus", {"name": "某局某局", "city_code": ""})
        assert r.status_code == 422, r.text
        assert session.exec(select(Bureau)).all() == []

    def test_needs_csrf(self, district: Console) -> None:
        r = district.client.post("/admin/bureaus", data={"name": "某某科技局", "city_code": "wuxi"})
        assert r.status_code == 403


class TestKeyIssue:
    def test_plain_key_shown_once_and_it_pushes(self, wuxi: Console, client: TestClient, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        r = issue(wuxi, bureau.id)
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        plain = plain_key(r.text)
        prefix = parse_key(plain)
        assert prefix is not None
        row = session.exec(select(BureauKey).where(BureauKey.prefix == prefix)).one()
        assert plain not in (row.key_hash, row.prefix) and row.scopes == ["resources"] and row.name == "夜间同步"
        # never again: not on the bureau's page, not in the audit log
        detail = wuxi.get(f"/admin/bureaus/{bureau.id}").text
        assert plain not in detail and f"yhn_{prefix}_…" in detail
        audit = session.exec(select(AuditLog).where(AuditLog.action == "bureau_key.issue")).all()
        assert audit and all(plain not in str(a.detail) for a in audit)
        r = push(client, plain, [resource_record(1)])
        assert r.status_code == 200, r.text
        session.refresh(row)
        assert row.last_used_at is not None
        line = wuxi.get(f"/admin/bureaus/{bureau.id}").text.split(f'data-key="{row.id}"')[1].split("</tr>")[0]
        assert "从未使用" not in line and "testclient" in line  # the last use and its address

    def test_scope_and_expiry_checked_by_the_service(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        before = len(session.exec(select(BureauKey)).all())
        assert issue(wuxi, bureau.id, scopes=()).status_code == 422
        assert issue(wuxi, bureau.id, days=400).status_code == 422
        assert len(session.exec(select(BureauKey)).all()) == before


class TestKeyRevoke:
    def test_revoked_key_is_refused_at_once(self, wuxi: Console, client: TestClient, session: Session) -> None:
        bureau, plain = fx.bureau_key(session, "wuxi")
        assert push(client, plain, [resource_record(1)]).status_code == 200
        key = session.exec(select(BureauKey).where(BureauKey.bureau_id == bureau.id)).one()
        r = wuxi.post(f"/admin/bureaus/{bureau.id}/keys/{key.id}/revoke")
        assert r.status_code == 303, r.text
        r = push(client, plain, [resource_record(2)])
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "api_key_revoked"
        assert "已吊销" in wuxi.get(f"/admin/bureaus/{bureau.id}").text
        assert wuxi.post(f"/admin/bureaus/{bureau.id}/keys/{key.id}/revoke").status_code == 409

    def test_key_of_another_bureau(self, wuxi: Console, session: Session) -> None:
        mine, _ = fx.bureau_key(session, "wuxi")
        other, _ = fx.bureau_key(session, "wuxi")
        key = session.exec(select(BureauKey).where(BureauKey.bureau_id == other.id)).one()
        assert wuxi.post(f"/admin/bureaus/{mine.id}/keys/{key.id}/revoke").status_code == 404
        session.refresh(key)
        assert key.revoked_at is None


class TestKeyRotate:
    def test_new_key_once_old_one_until_overlap_ends(self, wuxi: Console, client: TestClient, session: Session) -> None:
        bureau, old_plain = fx.bureau_key(session, "wuxi", days=200)
        old = session.exec(select(BureauKey).where(BureauKey.bureau_id == bureau.id)).one()
        r = wuxi.post(f"/admin/bureaus/{bureau.id}/keys/{old.id}/rotate", {"overlap_hours": 2})
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        new_plain = plain_key(r.text)
        assert new_plain != old_plain and "过渡期内继续有效" in r.text
        session.refresh(old)
        assert old.expires_at <= utcnow() + timedelta(hours=2)
        new = session.exec(select(BureauKey).where(BureauKey.rotated_from_id == old.id)).one()
        assert new.scopes == old.scopes
        assert push(client, new_plain, [resource_record(1)]).status_code == 200
        assert push(client, old_plain, [resource_record(2)]).status_code == 200  # still in the overlap
        assert new_plain not in wuxi.get(f"/admin/bureaus/{bureau.id}").text

    def test_revoked_key_cannot_be_rotated(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        key = session.exec(select(BureauKey).where(BureauKey.bureau_id == bureau.id)).one()
        wuxi.post(f"/admin/bureaus/{bureau.id}/keys/{key.id}/revoke")
        assert wuxi.post(f"/admin/bureaus/{bureau.id}/keys/{key.id}/rotate").status_code == 409


class TestBatchReport:
    def test_bureau_page_lists_batches_and_the_report_shows_each_record(
        self, wuxi: Console, client: TestClient, session: Session
    ) -> None:
        bureau, plain = fx.bureau_key(session, "wuxi")
        r = push(client, plain, [resource_record(1), resource_record(2, kind="galaxy")], atomic=False)
        assert r.status_code == 200, r.text
        batch_id = r.json()["batch_id"]
        detail = wuxi.get(f"/admin/bureaus/{bureau.id}").text
        assert f"/admin/bureaus/{bureau.id}/batches/{batch_id}" in detail and "部分写入" in detail
        page = wuxi.get(f"/admin/bureaus/{bureau.id}/batches/{batch_id}")
        assert page.status_code == 200, page.text
        assert "R-000001" in page.text and "R-000002" in page.text
        assert page.text.count('data-outcome="created"') == 1 and page.text.count('data-outcome="error"') == 1
        assert "类型" in page.text.split('data-outcome="error"')[1].split("</tr>")[0]
        created = r.json()["results"][0]["id"]
        assert f'/admin/boards/resource/{created}"' in page.text

    def test_batch_of_another_bureau(self, wuxi: Console, client: TestClient, session: Session) -> None:
        mine, _ = fx.bureau_key(session, "wuxi")
        _, other_key = fx.bureau_key(session, "wuxi")
        batch_id = push(client, other_key, [resource_record(1)]).json()["batch_id"]
        assert wuxi.get(f"/admin/bureaus/{mine.id}/batches/{batch_id}").status_code == 404


class TestImportPages:
    def test_index_and_templates(self, wuxi: Console) -> None:
        page = wuxi.get("/admin/imports")
        assert page.status_code == 200
        for kind in PushKind:
            assert f'href="/admin/imports/{kind.value}/template"' in page.text
        r = wuxi.get("/admin/imports/resource/template")
        assert r.status_code == 200
        header = [c.value for c in load_workbook(BytesIO(r.content)).worksheets[0][1]]
        assert "*记录编号 (source_id)" in header

    def test_form_lists_own_active_bureaus(self, wuxi: Console, session: Session) -> None:
        mine, _ = fx.bureau_key(session, "wuxi")
        stopped, _ = fx.bureau_key(session, "wuxi")
        stopped.active = False
        session.add(stopped)
        fx.bureau_key(session, "nanjing")
        session.flush()
        page = wuxi.get("/admin/imports/resource").text
        assert f'<option value="{mine.id}"' in page
        assert f'<option value="{stopped.id}"' not in page and "nanjing科技局" not in page
        assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


class TestImportUpload:
    def test_rows_written_through_the_push_path(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        data = filled(PushKind.resource, [GOOD, {**GOOD, "source_id": "X-2", "name": "无锡导入平台二"}])
        r = upload(wuxi, "resource", bureau.id, data, "n" * 22)
        assert r.status_code == 200, r.text
        assert r.text.count('data-outcome="created"') == 2 and "已写入 2 条" in r.text
        rows = session.exec(select(Resource).order_by(col(Resource.id))).all()
        assert [(x.source_id, x.city_code, x.source, x.verification) for x in rows] == [
            ("X-1", "wuxi", "bureau", "pending"),
            ("X-2", "wuxi", "bureau", "pending"),
        ]
        assert f'/admin/boards/resource/{rows[0].id}"' in r.text
        batch = session.exec(select(PushBatch)).one()
        assert (batch.bureau_id, batch.key_id, batch.staff_id, batch.origin) == (
            bureau.id,
            None,
            wuxi.user.id,
            "staff_import",
        )
        assert session.exec(select(AuditLog).where(AuditLog.action == "push.staff_import")).one().city_code == "wuxi"
        # the report stays readable on the bureau's page
        assert f"/admin/bureaus/{bureau.id}/batches/{batch.id}" in wuxi.get(f"/admin/bureaus/{bureau.id}").text

    def test_validation_report_and_nothing_written(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        data = filled(PushKind.resource, [GOOD, {"source_id": "X-2", "name": "缺类型"}])
        r = upload(wuxi, "resource", bureau.id, data, "a" * 22)
        assert r.status_code == 422, r.text
        assert "整批未写入" in r.text
        bad = r.text.split('data-outcome="error"')[1].split("</tr>")[0]
        assert "X-2" in bad and "row-error" in bad and "kind" in bad
        assert 'data-outcome="skipped"' in r.text
        assert session.exec(select(Resource)).all() == []
        assert session.exec(select(PushBatch)).one().status == "rejected"

    def test_partial_import_writes_the_good_rows(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        data = filled(PushKind.resource, [GOOD, {"source_id": "X-2", "name": "缺类型"}])
        r = upload(wuxi, "resource", bureau.id, data, "p" * 22, atomic=False)
        assert r.status_code == 200, r.text
        assert "部分写入" in r.text
        assert [x.source_id for x in session.exec(select(Resource)).all()] == ["X-1"]

    def test_same_form_same_file_is_not_written_twice(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        data = filled(PushKind.resource, [GOOD])
        assert upload(wuxi, "resource", bureau.id, data, "b" * 22).status_code == 200
        again = upload(wuxi, "resource", bureau.id, data, "b" * 22)
        assert again.status_code == 200, again.text
        assert "未重复写入" in again.text
        assert len(session.exec(select(PushBatch)).all()) == 1
        # a new form (new nonce) with another file is a new batch
        other = filled(PushKind.resource, [{**GOOD, "name": "改名后的平台"}])
        r = upload(wuxi, "resource", bureau.id, other, "c" * 22)
        assert r.status_code == 200 and 'data-outcome="updated"' in r.text
        assert session.exec(select(Resource)).one().name == "改名后的平台"

    def test_unreadable_file_comes_back_to_the_form(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        r = upload(wuxi, "resource", bureau.id, b"not a workbook", "d" * 22)
        assert r.status_code == 422, r.text
        assert 'id="import-error"' in r.text and ".xlsx" in r.text and 'id="import-form"' in r.text
        assert session.exec(select(PushBatch)).all() == []

    def test_inactive_bureau_refused(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        bureau.active = False
        session.add(bureau)
        session.flush()
        r = upload(wuxi, "resource", bureau.id, filled(PushKind.resource, [GOOD]), "e" * 22)
        assert r.status_code == 409, r.text
        assert "停用" in r.text
        assert session.exec(select(Resource)).all() == []

    def test_needs_csrf(self, wuxi: Console, session: Session) -> None:
        bureau, _ = fx.bureau_key(session, "wuxi")
        files = {"file": ("x.xlsx", filled(PushKind.resource, [GOOD]), "application/octet-stream")}
        r = wuxi.client.post("/admin/imports/resource", data={"bureau_id": bureau.id, "nonce": "f" * 22}, files=files)
        assert r.status_code == 403
        assert session.exec(select(Resource)).all() == []
