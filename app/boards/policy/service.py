from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from app.boards.policy.models import Policy
from app.boards.policy.schemas import PolicyPublic, PolicyQuery, PolicySummary
from app.core.listing import common_filters, fields, get_public, list_public, order_deadline, sort_order
from app.core.timeutil import today_cn
from app.core.validity import Validity, validity


def _summary(p: sa.Row[Any], schema: type[PolicySummary] = PolicySummary) -> Any:
    return schema.model_validate({**fields(p), "status": validity(p.valid_to, today_cn())})


def list_policies(session: Session, q: PolicyQuery) -> dict[str, Any]:
    conds = common_filters(Policy, q)
    if q.level:
        conds.append(Policy.level == q.level.value)
    if q.category:
        conds.append(Policy.category == q.category.value)
    if q.status is Validity.valid:
        conds.append(sa.or_(col(Policy.valid_to).is_(None), col(Policy.valid_to) >= today_cn()))
    elif q.status is Validity.expired:
        conds.append(col(Policy.valid_to) < today_cn())
    order = sort_order(q.sort, Policy, order_deadline(Policy.apply_deadline, Policy))
    return list_public(session, Policy, q, conds, order, PolicySummary, _summary)


def get_policy(session: Session, policy_id: int) -> PolicyPublic:
    return _summary(get_public(session, Policy, policy_id), PolicyPublic)
