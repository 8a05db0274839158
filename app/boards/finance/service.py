from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund, ServiceStation
from app.boards.finance.schemas import (
    FinancialProductPublic,
    FinancialProductQuery,
    FinancialProductSummary,
    FinancingNeedPublic,
    FinancingNeedQuery,
    FinancingNeedSummary,
    FundPublic,
    FundQuery,
    FundSummary,
    ServiceStationPublic,
    ServiceStationQuery,
    ServiceStationSummary,
)
from app.core.listing import (
    common_filters,
    get_public,
    json_list_contains,
    list_public,
    sort_order,
    text_contains,
)


def list_funds(session: Session, q: FundQuery) -> dict[str, Any]:
    conds = common_filters(Fund, q)
    if q.stage:
        conds.append(json_list_contains(Fund.stages, q.stage.value))
    if q.manager:
        conds.append(text_contains(Fund.manager, q.manager))
    return list_public(session, Fund, q, conds, sort_order(q.sort, Fund), FundSummary)


def get_fund(session: Session, fund_id: int) -> FundPublic:
    return FundPublic.model_validate(get_public(session, Fund, fund_id))


def list_products(session: Session, q: FinancialProductQuery) -> dict[str, Any]:
    conds = common_filters(FinancialProduct, q)
    if q.product_type:
        conds.append(FinancialProduct.product_type == q.product_type.value)
    order = sort_order(q.sort, FinancialProduct)
    return list_public(session, FinancialProduct, q, conds, order, FinancialProductSummary)


def get_product(session: Session, product_id: int) -> FinancialProductPublic:
    return FinancialProductPublic.model_validate(get_public(session, FinancialProduct, product_id))


def list_financing_needs(session: Session, q: FinancingNeedQuery) -> dict[str, Any]:
    conds = common_filters(FinancingNeed, q)
    if q.stage:
        conds.append(FinancingNeed.stage == q.stage.value)
    order = sort_order(q.sort, FinancingNeed)
    return list_public(session, FinancingNeed, q, conds, order, FinancingNeedSummary)


def get_financing_need(session: Session, need_id: int) -> FinancingNeedPublic:
    return FinancingNeedPublic.model_validate(get_public(session, FinancingNeed, need_id))


def list_stations(session: Session, q: ServiceStationQuery) -> dict[str, Any]:
    conds = common_filters(ServiceStation, q)
    order = sort_order(q.sort, ServiceStation)
    return list_public(session, ServiceStation, q, conds, order, ServiceStationSummary)


def get_station(session: Session, station_id: int) -> ServiceStationPublic:
    return ServiceStationPublic.model_validate(get_public(session, ServiceStation, station_id))
