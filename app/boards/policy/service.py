from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.boards.policy.models import Policy
from app.boards.policy.schemas import PolicyPublic, PolicyQuery, PolicySummary
from app.core.listing import (
    DeadlineSort,
    common_filters,
    get_public,
    order_deadline,
    order_newest,
    order_popular,
    paginate,
    public_reviewed,
    to_page,
)
from app.core.timeutil import today_cn
from app.core.validity import Validity, validity


def _summary(p: Policy, schema: type[PolicySummary] = PolicySummary) -> Any:
    return schema.model_validate({**p.model_dump(), "status": validity(p.valid_to, today_cn())})


def list_policies(session: Session, q: PolicyQuery) -> dict[str, Any]:
    conds = [*public_reviewed(Policy), *common_filters(Policy, q)]
    if q.level:
        conds.append(Policy.level == q.level.value)
    if q.category:
        conds.append(Policy.category == q.category.value)
    if q.status is Validity.valid:
        conds.append(sa.or_(col(Policy.valid_to).is_(None), col(Policy.valid_to) >= today_cn()))
    elif q.status is Validity.expired:
        conds.append(col(Policy.valid_to) < today_cn())
    order = {
        DeadlineSort.newest: order_newest(Policy),
        DeadlineSort.popular: order_popular(Policy),
        DeadlineSort.deadline: order_deadline(Policy.apply_deadline, Policy),
    }[q.sort]
    rows, total = paginate(session, select(Policy).where(*conds), q, order)
    return to_page([_summary(p) for p in rows], total, q)


def get_policy(session: Session, policy_id: int) -> PolicyPublic:
    return _summary(get_public(session, Policy, policy_id), PolicyPublic)
