from __future__ import annotations

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.schemas import CityCode
from app.home import service
from app.home.schemas import HomePublic

router = APIRouter(tags=["home"])


@router.get("/home", operation_id="home_get", summary="首页")
def get_home(
    session: SessionDep, city: CityCode | None = Query(default=None, description="城市代码；不传为全部")
) -> HomePublic:
    """首页：轮播图、六大板块入口及条数、最新榜单、最新政策与最新成果；可按城市查看。"""
    return service.home(session, city.value if city else None)
