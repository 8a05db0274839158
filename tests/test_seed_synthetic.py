"""The synthetic generator: N rows spread over the boards, cities and states, readable through the public API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.boards.policy.models import Policy
from app.core.db import make_engine
from app.demands.models import Demand
from app.seed.synthetic import WEIGHTS, generate, main, split
from tests.conftest import reference_database


@pytest.fixture(scope="module")
def synthetic_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = reference_database(tmp_path_factory.mktemp("syn"), "synthetic")
    engine = make_engine(url)
    yield engine
    engine.dispose()


class TestSplit:
    def test_shares_add_up(self) -> None:
        shares = split(1001, list(WEIGHTS))
        assert sum(shares.values()) == 1001
        assert all(n > 0 for n in shares.values())


class TestGenerate:
    def test_rows_are_spread_and_public_lists_read_them(self, synthetic_engine: Engine) -> None:
        done = generate(synthetic_engine, 800)
        assert sum(done.values()) == 800
        with Session(synthetic_engine) as s:
            cities = s.exec(select(Policy.city_code).distinct()).all()
            assert len(cities) == 8
            states = s.exec(select(Policy.publication, Policy.verification).distinct()).all()
            assert ("published", "verified") in states
            assert len(states) >= 2
            assert s.exec(select(func.count()).select_from(Demand).where(Demand.status == "published")).one() > 0
            titles = s.exec(select(Policy.title).limit(50)).all()
            assert len(set(titles)) > 10

    def test_second_run_adds_more(self, synthetic_engine: Engine) -> None:
        with Session(synthetic_engine) as s:
            before = s.exec(select(func.count()).select_from(Policy)).one()
        generate(synthetic_engine, 200, [Policy])
        with Session(synthetic_engine) as s:
            assert s.exec(select(func.count()).select_from(Policy)).one() == before + 200

    def test_unknown_table_is_refused(self, tmp_path: Path) -> None:
        assert main(["--count", "1", "--tables", "nosuch"]) == 2
