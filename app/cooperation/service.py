from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from app.cooperation.models import CooperationItem
from app.cooperation.schemas import CooperationPublic, CooperationQuery, CooperationSummary
from app.core.listing import get_public, json_list_contains, list_public, sort_order


def list_items(session: Session, q: CooperationQuery) -> dict[str, Any]:
    conds: list[Any] = []
    if q.city:
        # Cooperation crosses cities: a city sees the items it leads and those it takes part in.
        city = q.city.value
        conds.append(
            sa.or_(col(CooperationItem.city_code) == city, json_list_contains(CooperationItem.partner_cities, city))
        )
    if q.industry:
        conds.append(CooperationItem.industry_code == q.industry)
    if q.coop_type:
        conds.append(CooperationItem.coop_type == q.coop_type.value)
    if q.tense:
        conds.append(CooperationItem.tense == q.tense.value)
    order = sort_order(q.sort, CooperationItem)
    return list_public(session, CooperationItem, q, conds, order, CooperationSummary)


def get_item(session: Session, item_id: int) -> CooperationPublic:
    return CooperationPublic.model_validate(get_public(session, CooperationItem, item_id))
