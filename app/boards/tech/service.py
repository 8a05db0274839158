from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.boards.tech.models import Alliance, TechManager
from app.boards.tech.schemas import (
    AlliancePublic,
    AllianceQuery,
    AllianceSummary,
    TechManagerPublic,
    TechManagerQuery,
    TechManagerSummary,
)
from app.core.listing import common_filters, fields, get_public, json_list_mentions, list_public, sort_order


def list_managers(session: Session, q: TechManagerQuery) -> dict[str, Any]:
    conds = common_filters(TechManager, q)
    if q.field:
        conds.append(json_list_mentions(TechManager.fields, q.field))
    order = sort_order(q.sort, TechManager)
    return list_public(session, TechManager, q, conds, order, TechManagerSummary)


def get_manager(session: Session, manager_id: int) -> TechManagerPublic:
    return TechManagerPublic.model_validate(get_public(session, TechManager, manager_id))


def _alliance(a: sa.Row[Any], schema: type[AllianceSummary] = AllianceSummary) -> Any:
    return schema.model_validate({**fields(a), "member_count": len(a.members)})


def list_alliances(session: Session, q: AllianceQuery) -> dict[str, Any]:
    conds = common_filters(Alliance, q)
    if q.chain_code:
        conds.append(Alliance.chain_code == q.chain_code)
    return list_public(
        session, Alliance, q, conds, sort_order(q.sort, Alliance), AllianceSummary, _alliance, ("members",)
    )


def get_alliance(session: Session, alliance_id: int) -> AlliancePublic:
    return _alliance(get_public(session, Alliance, alliance_id), AlliancePublic)
