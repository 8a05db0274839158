from __future__ import annotations

from fastapi import APIRouter, Query

from app.core.db import SessionDep, read
from app.core.schemas import CityCode
from app.home import service
from app.home.schemas import DictionariesPublic, HomePublic

router = APIRouter(tags=["home"])


@router.get("/home", operation_id="home_get", summary="首页")
async def get_home(
    session: SessionDep, city: CityCode | None = Query(default=None, description="城市代码；不传为全部")
) -> HomePublic:
    """首页：轮播图、六大板块入口及条数、最新榜单、最新政策与最新成果；可按城市查看。"""
    return await read(session, service.home, city.value if city else None)


@router.get("/dictionaries", operation_id="dictionary_list", summary="筛选项字典")
def list_dictionaries() -> DictionariesPublic:
    """各板块列表可用的筛选与排序取值及其中文名称（城市、政策级别与类别、资源类型、榜单类型、投资阶段、金融产品类型、
    人才服务类别、知识产权类型、转化方式、活动类型、合作类型、时态、有效状态等），供小程序生成筛选标签。"""
    return service.dictionaries()
