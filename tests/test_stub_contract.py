"""The mini-program stub against the committed OpenAPI spec: every operation it calls exists with the same method and
path, and every request body it builds validates against the operation's schema.

The stub's own code (miniprogram_stub/tests/tools/request-samples.js, run by Node) lists the operations and builds
the bodies with the pages' functions, so this fails when either side drifts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "miniprogram_stub" / "tests" / "tools" / "request-samples.js"
SPEC = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))


def _operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    ops = {}
    for path, methods in SPEC["paths"].items():
        for method, op in methods.items():
            ops[op["operationId"]] = (method.upper(), path, op)
    return ops


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def stub() -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the mini-program contract check needs it")
    out = subprocess.run([node, str(TOOL)], capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": SPEC["components"]})


def _body_schema(op: dict[str, Any], multipart: bool) -> dict[str, Any]:
    content = op["requestBody"]["content"]
    media = "multipart/form-data" if multipart else "application/json"
    assert media in content, f"{op['operationId']} takes {list(content)}, the stub sends {media}"
    schema: dict[str, Any] = content[media]["schema"]
    return schema


class TestStubRoutes:
    def test_every_route_exists_with_its_method_and_path(self, stub: dict[str, Any]) -> None:
        problems = []
        for name, route in stub["routes"].items():
            if name not in OPERATIONS:
                problems.append(f"{name}: not in openapi/openapi.json")
                continue
            method, path, _ = OPERATIONS[name]
            if (route["method"], route["path"]) != (method, path):
                problems.append(f"{name}: stub calls {route['method']} {route['path']}, spec has {method} {path}")
        assert problems == []

    def test_sources_call_only_listed_routes(self, stub: dict[str, Any]) -> None:
        assert sorted(set(stub["called"]) - set(stub["routes"])) == []
        assert stub["direct_requests"] == [], "only utils/client.js may call wx.request / wx.uploadFile"

    def test_no_route_is_pending(self, stub: dict[str, Any]) -> None:
        """Every domain has landed: a `pending` mark could only hide a broken call."""
        assert [n for n, r in stub["routes"].items() if r.get("pending")] == []


class TestStubBodies:
    def test_bodies_validate_against_the_spec(self, stub: dict[str, Any]) -> None:
        checked = 0
        problems = []
        for sample in stub["samples"]:
            name = sample["operation"]
            assert name in OPERATIONS, f"{name}: sample for an unknown operation"
            schema = _body_schema(OPERATIONS[name][2], bool(sample.get("multipart")))
            for error in _validator(schema).iter_errors(sample["body"]):
                problems.append(f"{name}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
            checked += 1
        assert problems == []
        assert checked >= 1

    def test_a_wrong_body_is_caught(self) -> None:
        """The check itself can fail: a body with an unknown field or a wrong type does not validate."""
        schema = _body_schema(OPERATIONS["upload_create"][2], True)
        assert list(_validator(schema).iter_errors({"kind": "video", "file": "x"}))
        assert not list(_validator(schema).iter_errors({"kind": "image", "file": "x"}))
