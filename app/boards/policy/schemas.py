from __future__ import annotations

from datetime import date

from pydantic import Field

from app.boards.policy.models import PolicyCategory, PolicyLevel
from app.core.listing import DeadlineSort, ListQuery
from app.core.schemas import RecordPublic
from app.core.validity import Validity


class PolicyQuery(ListQuery):
    level: PolicyLevel | None = Field(default=None, description="级别")
    category: PolicyCategory | None = Field(default=None, description="类别")
    status: Validity | None = Field(default=None, description="有效/失效")
    sort: DeadlineSort = DeadlineSort.newest


class PolicySummary(RecordPublic):
    title: str
    doc_number: str | None
    issuer: str
    level: PolicyLevel
    category: PolicyCategory
    support_mode: str
    publish_date: date | None
    valid_from: date | None
    valid_to: date | None
    apply_deadline: date | None
    summary: str
    status: Validity


class PolicyPublic(PolicySummary):
    eligibility: str
    full_text: str
    source_url: str | None
    attachments: list[dict[str, str]]
