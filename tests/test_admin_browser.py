"""The console in a real browser: Debian's Chromium driven by Playwright against a uvicorn server on a free port.

Walks through login (password, then TOTP), approving a record in a review queue, downloading the 三张清单, and
importing an Excel sheet through the 推送单位与导入 pages (validation report, then the rows written);
a screenshot of every step goes to test-artifacts/admin-browser/. Skips only when Chromium is not installed
(`apt-get install -y chromium`; `.ci/run` installs it where it is missing). No browser is ever downloaded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn
from openpyxl import load_workbook
from sqlmodel import Session

from app.core import db as core_db
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.models import Verification
from app.seed.reference import load_reference
from app.staff.models import StaffRole
from app.staff.service import create_staff
from tests import factories as fx
from tests.conftest import ROOT, fresh_database_url, migrate

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "admin-browser"
PASSWORD = "browser-test-password"

if not CHROMIUM.exists():
    pytest.skip(
        "Chromium is not installed (apt-get install -y chromium): browser tests skipped", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")


class Server:
    def __init__(self, url: str) -> None:
        from app.main import create_app

        settings = Settings(environment="test", database_url=url)
        self.engine = make_engine(url)
        self.app = create_app(settings)
        engine = self.engine

        def session() -> Iterator[Session]:
            with Session(engine, expire_on_commit=False) as s:
                yield s

        def write_session() -> Iterator[Session]:
            with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
                yield s

        self.app.dependency_overrides[core_db.get_session] = session
        self.app.dependency_overrides[core_db.get_write_session] = write_session
        self.app.dependency_overrides[get_settings] = lambda: settings
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.engine.dispose()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    url = fresh_database_url(tmp_path_factory.mktemp("browser"), "market_browser")
    migrate(url)
    engine = make_engine(url).execution_options(sqlite_write=True)
    secret = pyotp.random_base32()
    with Session(engine) as s:
        load_reference(s)
        create_staff(
            s,
            username="putuo-admin",
            password=PASSWORD,
            role=StaffRole.district_admin,
            display_name="普陀管理员",
            totp_secret=secret,
        )
        pending = fx.policy(
            s, city_code="wuxi", title="无锡市待核验的推送政策", source="bureau", verification=Verification.pending
        )
        fx.resource(s, city_code="nanjing", name="南京大学")
        fx.cooperation_item(s, city_code="putuo", title="沿沪宁科创集市联合活动", tense="present")
        s.commit()
        ids = {"policy": pending.id}
    engine.dispose()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with Server(url) as base:
        yield {"base": base, "url": url, "secret": secret, "ids": ids}


@pytest.fixture(scope="module")
def page(world: dict[str, Any]) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        context.close()
        browser.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _row(url: str, sql: str, **params: Any) -> Any:
    import sqlalchemy as sa

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).one()
    finally:
        engine.dispose()


class TestConsoleInBrowser:
    def test_walkthrough(self, page: Any, world: dict[str, Any]) -> None:
        """One test, so that parallel workers never split the steps of one browser session."""
        self.login_with_password_and_totp(page, world)
        self.approve_in_review_queue(page, world)
        self.approve_demand(page, world)
        self.download_three_lists(page, world)
        self.import_excel_through_console(page, world)
        self.logout(page, world)

    def login_with_password_and_totp(self, page: Any, world: dict[str, Any]) -> None:
        page.goto(world["base"] + "/admin/")
        assert "/admin/login" in page.url
        page.fill("input[name=username]", "putuo-admin")
        page.fill("input[name=password]", PASSWORD)
        shot(page, "01-login")
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/login/totp")
        page.fill("input[name=totp]", pyotp.TOTP(world["secret"]).now())
        shot(page, "02-totp")
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        assert "普陀管理员" in page.content()
        shot(page, "03-dashboard")

    def approve_in_review_queue(self, page: Any, world: dict[str, Any]) -> None:
        policy_id = world["ids"]["policy"]
        page.goto(world["base"] + "/admin/review")
        page.click("text=政策核验")
        page.wait_for_url("**/admin/review/records/policy")
        assert "无锡市待核验的推送政策" in page.content()
        page.check("input[data-select-all]")  # the console's script selects every row
        assert page.is_checked(f"input[name=ids][value='{policy_id}']")
        shot(page, "04-review-queue")
        page.click("button[value=approve]")
        page.wait_for_selector(".flash")
        assert "已通过 1 条" in page.inner_text(".flash")
        shot(page, "05-approved")
        row = _row(world["url"], "SELECT verification FROM policy WHERE id = :id", id=policy_id)
        assert row[0] == "verified"

    def approve_demand(self, page: Any, world: dict[str, Any]) -> None:
        """A 榜单 the content check held: found from the overview, read on its own page, approved and published."""
        from app.core.models import utcnow

        title = "高导热复合材料量产工艺攻关"
        engine = make_engine(world["url"]).execution_options(sqlite_write=True)
        try:
            with Session(engine) as s:
                org = fx.organization(
                    s, "无锡某新材料有限公司", fx.credit_code(901, prefix="913202000"), city_code="wuxi"
                )
                poster, _ = fx.member(s, "openid-browser-poster", org=org)
                demand = fx.demand(
                    s,
                    org,
                    title=title,
                    status="pending_review",
                    published_at=None,
                    submitted_at=utcnow(),
                    content_verdict="review",
                )
                s.commit()
                demand_id, poster_id = demand.id, poster.id
        finally:
            engine.dispose()
        page.goto(world["base"] + "/admin/review")
        page.click("text=内容检测待复核的榜单")
        page.wait_for_url("**/admin/review/demands?held=1")
        assert title in page.content()
        shot(page, "05a-demand-queue")
        page.click(f"a[href='/admin/review/demands/{demand_id}']")
        page.wait_for_url(f"**/admin/review/demands/{demand_id}")
        assert "需人工复核" in page.content() and "无锡某新材料有限公司" in page.content()
        shot(page, "05b-demand-detail")
        page.click("button[value=approve]")
        page.wait_for_selector(".flash")
        assert "已通过 1 条" in page.inner_text(".flash")
        assert title not in page.content()  # out of the queue
        shot(page, "05c-demand-approved")
        assert _row(world["url"], "SELECT status FROM demand WHERE id = :id", id=demand_id)[0] == "published"
        sql = "SELECT count(*) FROM notification WHERE member_id = :m AND kind = 'demand_published'"
        assert _row(world["url"], sql, m=poster_id)[0] == 1

    def download_three_lists(self, page: Any, world: dict[str, Any]) -> None:
        page.goto(world["base"] + "/admin/exports")
        shot(page, "06-exports")
        with page.expect_download() as info:
            page.click("#export-download")
        download = info.value
        assert download.suggested_filename.endswith(".xlsx")
        target = ARTIFACTS / "三张清单.xlsx"
        download.save_as(str(target))
        wb = load_workbook(target)
        assert wb.sheetnames == ["资源清单", "需求清单", "合作清单"]
        cells = {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row}
        assert "南京大学" in cells and "沿沪宁科创集市联合活动" in cells and "进行时" in cells

    def import_excel_through_console(self, page: Any, world: dict[str, Any]) -> None:
        """New bureau, a key shown once, then the 资源 template downloaded, filled, refused row by row, imported."""
        page.goto(world["base"] + "/admin/bureaus")
        page.fill("#b-name", "无锡市科学技术局")
        page.select_option("#b-city", "wuxi")
        shot(page, "excel-01-bureaus")
        page.click("#bureau-create button[type=submit]")
        page.wait_for_selector("#key-issue")
        page.check("#key-issue input[value=resources]")
        page.click("#key-issue button[type=submit]")
        plain = page.inner_text("#plain-key")
        assert plain.startswith("yhn_")
        shot(page, "excel-02-key-shown-once")
        page.click("text=我已保存，返回推送单位")
        page.wait_for_selector("#keys")
        assert plain not in page.content() and "从未使用" in page.inner_text("#keys")
        page.click("text=代该单位导入 Excel")
        page.click("a[href^='/admin/imports/resource?']")
        page.wait_for_selector("#import-form")
        with page.expect_download() as info:
            page.click("text=下载资源模板")
        template = ARTIFACTS / "资源模板.xlsx"
        info.value.save_as(str(template))

        def sheet(name: str, kind: str) -> Path:
            wb = load_workbook(template)
            ws = wb.worksheets[0]
            columns = {str(c.value).rsplit("(", 1)[1].rstrip(")"): c.column for c in ws[1]}
            rows = [("WX-R-1", "无锡国家传感网创新示范区平台", "platform"), ("WX-R-2", name, kind)]
            for r, values in enumerate(rows, start=3):
                for field, value in zip(("source_id", "name", "kind"), values, strict=True):
                    ws.cell(row=r, column=columns[field], value=value)
            target = ARTIFACTS / f"资源-{kind}.xlsx"  # kept with the screenshots
            wb.save(target)
            return target

        shot(page, "excel-03-import-form")
        page.set_input_files("#i-file", str(sheet("无锡类型填错的平台", "galaxy")))
        page.click("#import-submit")
        page.wait_for_selector("#import-report")
        assert page.inner_text("#report-status") == "整批未写入"
        errors = page.inner_text("tr[data-outcome=error]")
        assert "WX-R-2" in errors and "类型" in errors
        shot(page, "excel-04-validation-report")
        count = _row(world["url"], "SELECT count(*) FROM resource WHERE source_id LIKE 'WX-R-%'")
        assert count[0] == 0
        page.click("text=再导入一个文件")
        page.wait_for_selector("#import-form")
        page.set_input_files("#i-file", str(sheet("无锡物联网检测认证中心", "instrument")))
        page.click("#import-submit")
        page.wait_for_selector("#import-report")
        assert page.inner_text("#report-status") == "已写入"
        assert page.locator("tr[data-outcome=created]").count() == 2
        shot(page, "excel-05-rows-written")
        row = _row(
            world["url"],
            "SELECT city_code, source, verification FROM resource WHERE source_id = :sid",
            sid="WX-R-2",
        )
        assert tuple(row) == ("wuxi", "bureau", "pending")
        page.click("tr[data-outcome=created] >> nth=1 >> a")
        page.wait_for_url("**/admin/boards/resource/*")
        assert "无锡物联网检测认证中心" in page.content()
        shot(page, "excel-06-imported-record")

    def logout(self, page: Any, world: dict[str, Any]) -> None:
        page.goto(world["base"] + "/admin/")
        page.click("header form button")
        page.wait_for_url("**/admin/login**")
        shot(page, "07-logged-out")
        page.goto(world["base"] + "/admin/stats")
        assert "/admin/login" in page.url
