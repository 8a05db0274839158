"""Builders of push payloads shared by the push tests and the benchmark."""

from __future__ import annotations

import uuid
from typing import Any


def resource_record(i: int, **kw: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "source_id": f"R-{i:06d}",
        "name": f"无锡测试平台{i}",
        "kind": "platform",
        "platform_level": "municipal",
        "address": f"无锡市新吴区测试路{i}号",
        "district": "新吴区",
        "capabilities": "检测认证",
    }
    rec.update(kw)
    return rec


def headers(key: str, idem: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Idempotency-Key": idem or uuid.uuid4().hex}
