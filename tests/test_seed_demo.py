"""Demo data: every board list shows at least 30 records, every city has some, a second load adds nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.cities.models import City
from app.demands.models import Demand
from app.home.models import Banner
from app.orgs.models import Organization
from app.seed.demo import TABLES, load_demo
from app.seed.ids import is_valid_uscc, make_uscc, uscc_check
from app.seed.reference import CITIES

LISTS = [
    "/api/v1/policy/policies",
    "/api/v1/resources/resources",
    "/api/v1/tech/managers",
    "/api/v1/tech/alliances",
    "/api/v1/finance/funds",
    "/api/v1/finance/products",
    "/api/v1/finance/financing-needs",
    "/api/v1/finance/stations",
    "/api/v1/talent/services",
    "/api/v1/talent/jobs",
    "/api/v1/talent/experts",
    "/api/v1/talent/programmes",
    "/api/v1/showcase/achievements",
    "/api/v1/showcase/events",
    "/api/v1/cooperation/items",
]
CITY_CODES = [c["code"] for c in CITIES]


class TestCreditCode:
    def test_known_real_code_checks(self) -> None:
        # A published 统一社会信用代码 (GB 32100-2015 appendix example style) and a one-character change of it.
        assert uscc_check("91350100M000100Y4") == "3"
        assert is_valid_uscc("91350100M000100Y43")
        assert not is_valid_uscc("91350100M000100Y44")

    def test_builder_makes_valid_codes(self) -> None:
        codes = {make_uscc("91", "320500", n) for n in range(500)}
        assert len(codes) == 500
        assert all(is_valid_uscc(c) for c in codes)


@pytest.fixture()
def demo(session: Session) -> int:
    return load_demo(session)


class TestDemoLoad:
    def test_second_load_adds_nothing(self, session: Session, demo: int) -> None:
        assert demo >= 16 * 32
        before = {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m, _, _ in TABLES}
        assert load_demo(session) == 0
        after = {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m, _, _ in TABLES}
        assert before == after

    def test_organisations_have_valid_credit_codes(self, session: Session, demo: int) -> None:
        orgs = session.exec(select(Organization).where(Organization.verification == "verified")).all()
        assert len(orgs) >= 8 * 8
        assert all(is_valid_uscc(o.credit_code) for o in orgs)
        assert {o.city_code for o in orgs} == set(CITY_CODES)

    def test_points_inside_their_city(self, session: Session, demo: int) -> None:
        boxes = {c.code: c for c in session.exec(select(City)).all()}
        checked = 0
        for model, _, _ in TABLES:
            if "lat" not in model.model_fields:
                continue
            for row in session.exec(select(model).where(model.source_id.startswith("demo-"))):  # type: ignore[attr-defined]
                box = boxes[row.city_code]
                assert box.bbox_min_lat <= row.lat <= box.bbox_max_lat, (model.__name__, row.id)
                assert box.bbox_min_lng <= row.lng <= box.bbox_max_lng, (model.__name__, row.id)
                checked += 1
        assert checked >= 3 * 32

    def test_demands_and_banners(self, session: Session, demo: int) -> None:
        demands = session.exec(select(Demand).where(Demand.status == "published")).all()
        assert len(demands) >= 30
        assert {d.city_code for d in demands} == set(CITY_CODES)
        assert all(d.org_id is not None for d in demands)
        assert session.exec(select(func.count()).select_from(Banner)).one() >= 5


class TestDemoLists:
    @pytest.mark.parametrize("path", LISTS)
    def test_every_board_list_has_30_and_every_city(self, client: TestClient, demo: int, path: str) -> None:
        r = client.get(path, params={"page_size": 50})
        assert r.status_code == 200, r.text
        assert r.json()["total"] >= 30
        for city in CITY_CODES:
            r = client.get(path, params={"city": city})
            assert r.status_code == 200, r.text
            assert r.json()["total"] >= 3, (path, city)

    def test_tenses_of_the_cooperation_list(self, client: TestClient, demo: int) -> None:
        for tense in ("past", "present", "future"):
            r = client.get("/api/v1/cooperation/items", params={"tense": tense})
            assert r.status_code == 200, r.text
            assert r.json()["total"] >= 8

    def test_home_shows_banners_and_counts(self, client: TestClient, demo: int) -> None:
        r = client.get("/api/v1/home")
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["banners"]) >= 3
        assert all(b["count"] >= 30 for b in body["boards"])


class TestSeedCommand:
    """`make run`'s own step, in a fresh process: only what `python -m app.seed` imports is in the metadata (in this
    test process every table is; a foreign key into a domain the command did not import broke `make run` once)."""

    def test_fresh_database_twice(self, tmp_path: Path) -> None:
        from tests.conftest import migrate

        url = f"sqlite:///{tmp_path / 'seed.db'}"
        migrate(url)
        env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "local"}
        runs = [
            subprocess.run([sys.executable, "-m", "app.seed"], env=env, capture_output=True, text=True, timeout=300)
            for _ in range(2)
        ]
        assert runs[0].returncode == 0, runs[0].stderr[-2000:]
        assert int(runs[0].stdout.rsplit(":", 1)[1]) >= 30 * 6
        assert runs[1].returncode == 0 and runs[1].stdout.strip().endswith("demo records added: 0"), runs[1].stderr
