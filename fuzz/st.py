"""The schemathesis command line (`st`), with one CPython 3.11 bug worked around: `python fuzz/st.py run …`.

CPython 3.11's `ast.parse` can raise `SystemError: AST constructor recursion depth mismatch` when called deep in a
recursion (python/cpython#106905). Hypothesis calls it only to *describe* a lambda (a strategy's repr, built while
validating a deeply nested request body), so the fuzzer crashed on its own bookkeeping, at random, before a request
was sent. Here a description that cannot be parsed is "unknown", as hypothesis already says for any lambda whose
source it cannot read; nothing about the requests or the checks changes.
"""

from __future__ import annotations

import sys
from typing import Any

from hypothesis.internal import lambda_sources


def _describe(f: Any, *args: Any, _original: Any = lambda_sources._lambda_description, **kwargs: Any) -> str:
    try:
        return str(_original(f, *args, **kwargs))
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _describe

if __name__ == "__main__":
    from schemathesis.cli import schemathesis

    sys.argv[0] = "st"
    sys.exit(schemathesis())
