"""The bureaus' command-line client: batches a file, retries with the same key, prints the report."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.boards.resources.models import Resource
from app.bureaus.cli import main, push_file, send_batch
from app.bureaus.kinds import PushKind
from tests import factories
from tests.push_helpers import resource_record
from tests.test_push_reports import filled


class TestCliPush:
    def test_json_file_in_batches_and_rerun(self, client: TestClient, session: Session, tmp_path: Path) -> None:
        _, key = factories.bureau_key(session)
        path = tmp_path / "resources.json"
        records = [resource_record(i) for i in range(2300)]
        records[2100]["kind"] = "bad"
        path.write_text(json.dumps({"records": records}, ensure_ascii=False))
        out = io.StringIO()
        status = push_file(
            path,
            PushKind.resource,
            base_url="http://testserver",
            key=key,
            client=client,
            out=out,
            run_id="night-1",
            atomic=False,
        )
        text = out.getvalue()
        assert status == 1, text
        assert "第 1 批" in text and "第 3 批" in text and "第 4 批" not in text
        assert "第 2100 条 [R-002100] kind：取值不在允许范围内" in text
        assert session.exec(select(sa.func.count()).select_from(Resource)).one() == 2299
        # The same run again: every batch answers from the stored report, nothing is written twice.
        out = io.StringIO()
        push_file(
            path,
            PushKind.resource,
            base_url="http://testserver",
            key=key,
            client=client,
            out=out,
            run_id="night-1",
            atomic=False,
        )
        assert out.getvalue().count("重放第一次的结果") == 3
        assert session.exec(select(sa.func.count()).select_from(Resource)).one() == 2299

    def test_xlsx_file(self, client: TestClient, session: Session, tmp_path: Path) -> None:
        _, key = factories.bureau_key(session)
        path = tmp_path / "r.xlsx"
        path.write_bytes(filled(PushKind.resource, [{"source_id": "X1", "name": "无锡平台", "kind": "platform"}]))
        out = io.StringIO()
        assert push_file(path, PushKind.resource, base_url="http://testserver", key=key, client=client, out=out) == 0
        assert session.exec(select(Resource.name)).one() == "无锡平台"

    def test_requires_key(self, tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
        monkeypatch.delenv("PUSH_API_KEY", raising=False)
        try:
            main(["push", str(tmp_path / "x.json"), "--kind", "resource"])
            raise AssertionError("expected exit")
        except SystemExit as exc:
            assert exc.code == 2
        assert "API 密钥" in capsys.readouterr().err


class TestCliRetry:
    def test_retries_with_the_same_key(self) -> None:
        seen: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request.headers["Idempotency-Key"])
            if len(seen) == 1:
                raise httpx.ConnectError("refused")
            if len(seen) == 2:
                return httpx.Response(409, json={"code": "push_in_flight", "message": "处理中", "detail": None})
            return httpx.Response(200, json={"ok": True})

        with httpx.Client(transport=httpx.MockTransport(handler)) as c:
            r = send_batch(c, "http://x/api/v1/push/resource", "k", "run-00001", {"records": []}, sleep=lambda _: None)
        assert r.status_code == 200
        assert seen == ["run-00001"] * 3

    def test_gives_up_after_retries(self) -> None:
        calls = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(1)
            return httpx.Response(503, json={"code": "service_unavailable", "message": "忙", "detail": None})

        with httpx.Client(transport=httpx.MockTransport(handler)) as c:
            r = send_batch(c, "http://x/p", "k", "run-00002", {}, retries=2, sleep=lambda _: None)
        assert r.status_code == 503 and len(calls) == 3
