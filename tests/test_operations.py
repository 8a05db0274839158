"""Operations: logs that carry the request id and no secrets; a process that will not serve an unmigrated database."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.logging import JsonFormatter, RequestIdFilter, redact, request_id_var
from app.main import create_app
from tests.conftest import ROOT, fresh_database_url


class TestRedaction:
    def test_phone_numbers_are_masked(self) -> None:
        assert redact("联系人 13812345678 已提交") == "联系人 138****5678 已提交"

    def test_bearer_tokens_and_secrets_are_removed(self) -> None:
        token = "mbr_" + "A" * 43
        line = redact(f"Authorization: Bearer {token} secret=hunter2 code=081abc")
        assert token not in line
        assert "hunter2" not in line
        assert "081abc" not in line

    def test_bare_tokens_are_removed(self) -> None:
        token = "stf_" + "x" * 43
        assert token not in redact(f"issued {token}")


class TestJsonLines:
    def test_one_object_per_line_with_the_request_id(self) -> None:
        record = logging.LogRecord("app", logging.INFO, __file__, 1, "用户 %s 登录", ("13912345678",), None)
        reset = request_id_var.set("req-12345678")
        try:
            RequestIdFilter().filter(record)
        finally:
            request_id_var.reset(reset)
        entry = json.loads(JsonFormatter().format(record))
        assert entry["request_id"] == "req-12345678"
        assert entry["message"] == "用户 139****5678 登录"
        assert entry["level"] == "INFO"

    def test_access_line_per_request_carries_its_id(self, client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO, logger="app.access"):
            r = client.get("/healthz", headers={"X-Request-ID": "abcdef0123456789"})
        assert r.status_code == 200, r.text
        lines = [rec for rec in caplog.records if rec.name == "app.access"]
        assert lines, "no access line was logged"
        assert lines[-1].__dict__["status"] == 200
        assert lines[-1].__dict__["path"] == "/healthz"
        assert request_id_var.get() == "-"

    def test_ids_made_here_are_distinct_and_shaped_like_a_uuid(self, client: TestClient) -> None:
        ids = [client.get("/healthz").headers["x-request-id"] for _ in range(3)]
        assert len(set(ids)) == 3 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
        # Not a counter: consecutive ids share no long prefix that would give away a process's request count.
        assert len({i[:12] for i in ids}) == 3


class TestStartupOnUnmigratedDatabase:
    def test_app_refuses_to_start(self, tmp_path: Path) -> None:
        url = fresh_database_url(tmp_path, "unmigrated")
        app = create_app(Settings(environment="test", database_url=url))
        with pytest.raises(RuntimeError, match="not been migrated"), TestClient(app):
            pass

    def test_server_process_says_so_and_exits(self, tmp_path: Path) -> None:
        url = fresh_database_url(tmp_path, "unmigrated_proc")
        env = {**os.environ, "DATABASE_URL": url, "ENVIRONMENT": "local"}
        proc = subprocess.run(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode != 0
        assert "not been migrated" in proc.stderr + proc.stdout


class TestSecurityHeaders:
    def test_every_answer_carries_them(self, client: TestClient) -> None:
        for path in ("/healthz", "/api/v1/cities", "/api/v1/nowhere"):
            r = client.get(path)
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["x-frame-options"] == "DENY", path
            assert r.headers["referrer-policy"] == "no-referrer", path
        assert "strict-transport-security" not in r.headers

    def test_console_pages_get_a_content_security_policy(self, client: TestClient) -> None:
        r = client.get("/admin/")
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["cache-control"] == "no-store"
        assert "content-security-policy" not in client.get("/api/v1/cities").headers
