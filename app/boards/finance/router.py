from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.boards.finance import service
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
from app.core.db import SessionDep, read
from app.core.listing import Page
from app.core.schemas import ItemId
from app.core.views import ViewsDep

router = APIRouter(prefix="/finance", tags=["finance"])


@router.get("/funds", operation_id="finance_fund_list", summary="基金列表")
async def list_funds(session: SessionDep, q: Annotated[FundQuery, Query()]) -> Page[FundSummary]:
    """按城市、行业、投资阶段、管理机构筛选基金（如长三角一期/二期、半马苏河）；可按最新、热度排序。"""
    return Page[FundSummary].model_validate(await read(session, service.list_funds, q))


@router.get("/funds/{fund_id}", operation_id="finance_fund_get", summary="基金详情")
async def get_fund(session: SessionDep, views: ViewsDep, fund_id: ItemId) -> FundPublic:
    """基金简介、规模、投资阶段与联系人（电话已脱敏）。"""
    return views.seen(Fund, await read(session, service.get_fund, fund_id))


@router.get("/products", operation_id="finance_product_list", summary="金融产品列表")
async def list_products(
    session: SessionDep, q: Annotated[FinancialProductQuery, Query()]
) -> Page[FinancialProductSummary]:
    """按城市、行业、产品类型（科技贷、创新积分贷、知识产权质押、科技保险、融资担保）筛选金融产品。"""
    return Page[FinancialProductSummary].model_validate(await read(session, service.list_products, q))


@router.get("/products/{product_id}", operation_id="finance_product_get", summary="金融产品详情")
async def get_product(session: SessionDep, views: ViewsDep, product_id: ItemId) -> FinancialProductPublic:
    """产品额度、利率、期限、申请条件与联系人（电话已脱敏）。"""
    return views.seen(FinancialProduct, await read(session, service.get_product, product_id))


@router.get("/financing-needs", operation_id="finance_financing_need_list", summary="融资需求列表")
async def list_financing_needs(
    session: SessionDep, q: Annotated[FinancingNeedQuery, Query()]
) -> Page[FinancingNeedSummary]:
    """企业发布的融资需求，按城市、行业、企业所处阶段筛选。"""
    return Page[FinancingNeedSummary].model_validate(await read(session, service.list_financing_needs, q))


@router.get("/financing-needs/{need_id}", operation_id="finance_financing_need_get", summary="融资需求详情")
async def get_financing_need(session: SessionDep, views: ViewsDep, need_id: ItemId) -> FinancingNeedPublic:
    """融资金额、资金用途、项目介绍与联系人（电话已脱敏）。"""
    return views.seen(FinancingNeed, await read(session, service.get_financing_need, need_id))


@router.get("/stations", operation_id="finance_station_list", summary="科技金融服务工作站列表")
async def list_stations(session: SessionDep, q: Annotated[ServiceStationQuery, Query()]) -> Page[ServiceStationSummary]:
    """各市科技金融服务工作站，含 GCJ-02 坐标，可按城市、行业筛选。"""
    return Page[ServiceStationSummary].model_validate(await read(session, service.list_stations, q))


@router.get("/stations/{station_id}", operation_id="finance_station_get", summary="科技金融服务工作站详情")
async def get_station(session: SessionDep, views: ViewsDep, station_id: ItemId) -> ServiceStationPublic:
    """工作站的依托单位、地址、服务内容与联系人（电话已脱敏）。"""
    return views.seen(ServiceStation, await read(session, service.get_station, station_id))
