"""`fuzz/st.py`: the fuzzer survives CPython 3.11's `ast.parse` SystemError while describing a lambda."""

from __future__ import annotations

import ast

import pytest
from hypothesis.internal import lambda_sources

import fuzz.st  # noqa: F401  (installs the workaround)


class TestLambdaDescription:
    def test_a_parser_crash_gives_an_unknown_description(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def crash(*args: object, **kwargs: object) -> None:
            raise SystemError("AST constructor recursion depth mismatch (before=174, after=45)")

        monkeypatch.setattr(ast, "parse", crash)
        assert lambda_sources._lambda_description(lambda x: x + 1) == "lambda: <unknown>"

    def test_a_readable_lambda_is_still_described(self) -> None:
        assert "x + 2" in lambda_sources._lambda_description(lambda x: x + 2)
