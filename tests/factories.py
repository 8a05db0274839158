"""Small builders for board records in tests; each returns a flushed row."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.boards.policy.models import Policy
from app.core.models import Publication, Verification, utcnow


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def policy(session: Session, **kw: Any) -> Policy:
    data: dict[str, Any] = dict(
        title="普陀区关于支持科技创新的若干政策",
        issuer="上海市普陀区科学技术委员会",
        level="district",
        category="subsidy",
        city_code="putuo",
        summary="对研发投入给予补贴",
        full_text="第一条 ……",
        valid_to=date.today() + timedelta(days=365),
        published_at=utcnow(),
        publication=Publication.published,
        verification=Verification.verified,
    )
    data.update(kw)
    return add(session, Policy(**data))  # type: ignore[no-any-return]
