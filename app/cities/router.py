from __future__ import annotations

from fastapi import APIRouter

from app.cities import service
from app.cities.schemas import CityPublic
from app.core.db import SessionDep
from app.core.schemas import CityCode

router = APIRouter(prefix="/cities", tags=["cities"])


@router.get("", operation_id="city_list", summary="联盟城市与科创云平台入口")
def list_cities(session: SessionDep) -> list[CityPublic]:
    """七市一区：地图中心点（GCJ-02）与各市科创云平台的跳转方式（小程序、网页或复制链接）。"""
    return service.list_cities(session)


@router.get("/{city_code}", operation_id="city_get", summary="城市详情")
def get_city(session: SessionDep, city_code: CityCode) -> CityPublic:
    """单个城市的简介、主导产业与平台入口。"""
    return service.city_public(service.get_city(session, city_code.value))
