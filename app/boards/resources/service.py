from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.boards.resources.models import Resource
from app.boards.resources.schemas import ResourcePublic, ResourceQuery, ResourceSummary
from app.core.listing import common_filters, get_public, list_public, sort_order


def list_resources(session: Session, q: ResourceQuery) -> dict[str, Any]:
    conds = common_filters(Resource, q)
    if q.kind:
        conds.append(Resource.kind == q.kind.value)
    if q.platform_level:
        conds.append(Resource.platform_level == q.platform_level.value)
    if q.district:
        conds.append(Resource.district == q.district)
    return list_public(session, Resource, q, conds, sort_order(q.sort, Resource), ResourceSummary)


def get_resource(session: Session, resource_id: int) -> ResourcePublic:
    return ResourcePublic.model_validate(get_public(session, Resource, resource_id))
