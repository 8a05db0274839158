"""The matcher against a plain BM25 baseline on the evaluation set (tests/eval), in the same run and database."""

from __future__ import annotations

from sqlmodel import Session

from tests.eval.matching_set import DEMANDS
from tests.eval.runner import evaluate


class TestMatchingEvaluation:
    def test_set_is_large_enough(self) -> None:
        assert len(DEMANDS) >= 40
        assert all(good for *_, good in DEMANDS)

    def test_matcher_beats_bm25(self, session: Session) -> None:
        solvers, policies = evaluate(session)
        assert solvers.queries >= 40
        assert solvers.matcher_p5 > solvers.bm25_p5, solvers
        assert solvers.matcher_r10 > solvers.bm25_r10, solvers
        assert policies.matcher_p5 >= policies.bm25_p5, policies
        assert policies.matcher_r10 >= policies.bm25_r10, policies
