"""Races on one demand, with real commits on a database of its own and real threads.

- 100 parallel 揭榜 requests from one organisation to one demand, over HTTP against a served app: exactly one row,
  no 500.
- Parallel award / withdraw (demand and application) through the service layer: one consistent end state.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core import db as core_db
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.errors import AppError
from app.demands import service
from app.demands.models import Demand, DemandApplication
from app.moderation import service as moderation
from tests import factories
from tests.conftest import reference_database
from tests.demand_world import APPLICATION, fake_check


@dataclass
class Cast:
    poster: tuple[Any, Any, str]  # org, member, token
    solvers: list[tuple[Any, Any, str]]


@pytest.fixture()
def committed(tmp_path: Path) -> Iterator[Engine]:
    url = reference_database(tmp_path, "demand_race")
    engine = make_engine(url)
    previous = moderation._checker
    moderation.install_checker(fake_check)
    yield engine
    moderation.install_checker(previous)
    engine.dispose()


def make_cast(engine: Engine, solvers: int = 3) -> Cast:
    with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
        porg = factories.organization(s, "普陀发榜企业", "91310107MA1G0000B1")
        pm, pt = factories.member(s, "race-poster", org=porg)
        cast = Cast((porg, pm, pt), [])
        for i in range(solvers):
            org = factories.organization(s, f"揭榜单位{i}", f"1232000046600720{i}K", city_code="nanjing")
            m, t = factories.member(s, f"race-solver-{i}", org=org)
            cast.solvers.append((org, m, t))
        s.commit()
    return cast


def new_demand(engine: Engine, org: Any) -> int:
    with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
        d = factories.demand(s, org)
        s.commit()
        return int(d.id)


class ServedApp:
    """The real app under uvicorn on 127.0.0.1, an ephemeral port, sessions from the race database."""

    def __init__(self, engine: Engine) -> None:
        from app.main import create_app

        settings = Settings(environment="test", database_url=str(engine.url.render_as_string(hide_password=False)))
        app = create_app(settings)

        def read() -> Iterator[Session]:
            with Session(engine, expire_on_commit=False) as s:
                yield s

        def write() -> Iterator[Session]:
            with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
                yield s

        app.dependency_overrides[core_db.get_session] = read
        app.dependency_overrides[core_db.get_write_session] = write
        app.dependency_overrides[get_settings] = lambda: settings
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("server did not start")
            threading.Event().wait(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


class TestParallelApplications:
    def test_one_org_100_requests_one_row(self, committed: Engine) -> None:
        cast = make_cast(committed, solvers=1)
        demand_id = new_demand(committed, cast.poster[0])
        org, _, token = cast.solvers[0]
        with ServedApp(committed) as base, httpx.Client(base_url=base, timeout=120) as http:

            def post(_: int) -> int:
                r = http.post(
                    f"/api/v1/demands/{demand_id}/applications",
                    json=APPLICATION,
                    headers={"Authorization": f"Bearer {token}"},
                )
                if r.status_code >= 500:
                    return r.status_code
                assert r.status_code in (201, 409), r.text
                if r.status_code == 409:
                    assert r.json()["code"] == "already_applied", r.text
                return r.status_code

            with ThreadPoolExecutor(max_workers=50) as pool:
                statuses = Counter(pool.map(post, range(100)))
        assert statuses == Counter({201: 1, 409: 99}), statuses
        with Session(committed) as s:
            rows = s.exec(select(DemandApplication).where(col(DemandApplication.demand_id) == demand_id)).all()
            assert len(rows) == 1 and rows[0].org_id == org.id
            demand = s.get(Demand, demand_id)
            assert demand is not None and demand.application_count == 1

    def test_many_orgs_in_parallel_each_get_one(self, committed: Engine) -> None:
        cast = make_cast(committed, solvers=4)
        demand_id = new_demand(committed, cast.poster[0])

        def attempt(i: int) -> str:
            org, member, _ = cast.solvers[i % 4]
            with Session(committed.execution_options(sqlite_write=True), expire_on_commit=False) as s:
                try:
                    from app.demands.schemas import ApplicationCreate

                    service.apply(s, member, org, demand_id, ApplicationCreate.model_validate(APPLICATION))
                    s.commit()
                    return "ok"
                except AppError as exc:
                    return exc.code

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = Counter(pool.map(attempt, range(40)))
        assert results == Counter({"ok": 4, "already_applied": 36}), results
        with Session(committed) as s:
            demand = s.get(Demand, demand_id)
            assert demand is not None and demand.application_count == 4


def _run(engine: Engine, fn: Callable[[Session], Any]) -> str:
    with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as s:
        try:
            fn(s)
            s.commit()
            return "ok"
        except AppError as exc:
            return exc.code


class TestParallelAwardAndWithdraw:
    ROUNDS = 6

    @staticmethod
    def jobs(cast: Cast, demand_id: int, a_id: int, b_id: int) -> list[Callable[[Session], Any]]:
        porg, pmember, _ = cast.poster
        (aorg, amember, _), (borg, bmember, _) = cast.solvers
        return [
            lambda s: service.award(s, pmember, porg, demand_id, [a_id]),
            lambda s: service.award(s, pmember, porg, demand_id, [a_id, b_id]),
            lambda s: service.withdraw(s, pmember, porg, demand_id),
            lambda s: service.withdraw_application(s, amember, aorg, a_id),
            lambda s: service.withdraw_application(s, bmember, borg, b_id),
        ]

    def test_one_consistent_end_state(self, committed: Engine) -> None:
        cast = make_cast(committed, solvers=2)
        porg = cast.poster[0]
        (aorg, amember, _), (borg, bmember, _) = cast.solvers
        outcomes: Counter[str] = Counter()
        for _ in range(self.ROUNDS):
            demand_id = new_demand(committed, porg)
            with Session(committed.execution_options(sqlite_write=True), expire_on_commit=False) as s:
                a = factories.demand_application(s, s.get(Demand, demand_id), aorg, amember)
                b = factories.demand_application(s, s.get(Demand, demand_id), borg, bmember)
                s.commit()
                a_id, b_id = int(a.id), int(b.id)
            jobs = self.jobs(cast, demand_id, a_id, b_id) * 4
            with ThreadPoolExecutor(max_workers=10) as pool:
                results = list(pool.map(lambda job: _run(committed, job), jobs))
            assert all(r == "ok" or r.endswith("_not_allowed") or r == "application_not_selectable" for r in results), (
                results
            )
            with Session(committed) as s:
                demand = s.get(Demand, demand_id)
                assert demand is not None
                apps = {
                    x.id: x.status
                    for x in s.exec(select(DemandApplication).where(col(DemandApplication.demand_id) == demand_id))
                }
            selected = [i for i, st in apps.items() if st == "selected"]
            if demand.status == "awarded":
                assert selected, apps
                assert all(st in ("selected", "not_selected", "withdrawn") for st in apps.values()), apps
                assert demand.awarded_at is not None and demand.withdrawn_at is None
            else:
                assert demand.status == "withdrawn", demand.status
                assert not selected and demand.awarded_at is None, apps
            assert results.count("ok") >= 1
            outcomes[demand.status] += 1
        assert sum(outcomes.values()) == self.ROUNDS
