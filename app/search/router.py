from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.errors import error_responses
from app.core.schemas import ItemId
from app.members.dependencies import CurrentMember, OptionalMember
from app.search import geo, matching, service, views
from app.search.schemas import (
    CityCluster,
    DemandChainView,
    DemandMatches,
    MarkerPage,
    NearbyPage,
    OrgRecommendations,
    SearchPage,
)
from app.search.service import SearchQuery

router = APIRouter(tags=["search"])


@router.get("/search", operation_id="search_query", summary="全站搜索")
def search(session: SessionDep, q: Annotated[SearchQuery, Query()]) -> SearchPage:
    """一次搜索七市一区所有板块（政策、资源、技术对接、金融、人才、成果、榜单、合作清单）。

    支持两字词（电池、芯片）、长词（聚烯烃催化）、词的一部分（墨烯）和英文/数字（SiC、28GHz、5G）；可按板块、城市、
    行业、类型、产业链环节（可含上下游）筛选。标题命中优先，其次按发布时间由新到旧；返回板块、城市、行业分面计数和
    高亮摘要。
    """
    return SearchPage.model_validate(service.search(session, q))


@router.get("/demands/{demand_id}/chain", operation_id="search_demand_chain", summary="榜单的产业链上下游")
def demand_chain(session: SessionDep, demand_id: ItemId, member: OptionalMember) -> DemandChainView:
    """榜单所在的产业链环节，以及它的直接上游、下游环节（含跨链关系）和各环节的公开榜单。

    公开榜单人人可看；未公开的榜单只有发榜机构的成员可看，其他人得到 404。
    """
    demand = views.visible_demand(session, demand_id, member)
    return DemandChainView.model_validate(views.demand_chain(session, demand))


@router.get("/demands/{demand_id}/matches", operation_id="search_demand_matches", summary="为榜单推荐揭榜方")
def demand_matches(
    session: SessionDep,
    demand_id: ItemId,
    member: OptionalMember,
    limit: Annotated[int, Query(ge=1, le=50, description="最多返回条数")] = 20,
) -> DemandMatches:
    """从七市一区的机构、科研平台与资源、科技成果、专家和技术经理人中为榜单推荐可能的揭榜方，按匹配度排序，
    每条附推荐理由（共同关键词、同一产业链环节、上下游环节、同城或邻近城市）。结果确定、可解释。

    公开榜单人人可看；未公开的榜单只有发榜机构的成员可看，其他人得到 404。
    """
    demand = views.visible_demand(session, demand_id, member)
    items = [views.match_item(m) for m in matching.match_demand(session, demand, limit)]
    return DemandMatches.model_validate({"demand_id": demand_id, "items": items})


@router.get(
    "/orgs/{org_id}/recommendations",
    operation_id="search_org_recommendations",
    summary="为机构推荐榜单与政策",
    responses=error_responses(403),
)
def org_recommendations(
    session: SessionDep,
    org_id: ItemId,
    member: CurrentMember,
    limit: Annotated[int, Query(ge=1, le=50, description="每类最多返回条数")] = 10,
) -> OrgRecommendations:
    """按机构的能力、行业与所在城市推荐它可能揭榜的公开榜单，以及它可申报的政策（政策找企业：行业、政策类型和申报
    对象相符，本市政策与国家级、省级政策）。只有该机构的成员可看。
    """
    org = views.own_org(session, org_id, member)
    return OrgRecommendations.model_validate(
        {
            "org_id": org_id,
            "demands": [views.match_item(m) for m in matching.recommend_demands(session, org, limit)],
            "policies": [views.match_item(m) for m in matching.recommend_policies(session, org, limit)],
        }
    )


@router.get("/map/markers", operation_id="search_map_markers", summary="地图：范围内的标注")
def map_markers(session: SessionDep, q: Annotated[geo.BoxQuery, Query()]) -> MarkerPage:
    """地图可视范围（GCJ-02 西南角、东北角）内的资源、服务站、活动等标注，可按板块、类型筛选；
    最多返回 limit 个（最新的），total 为范围内总数。"""
    return MarkerPage.model_validate(geo.markers(session, q))


@router.get("/map/nearby", operation_id="search_map_nearby", summary="地图：附近")
def map_nearby(session: SessionDep, q: Annotated[geo.NearbyQuery, Query()]) -> NearbyPage:
    """离某点（GCJ-02，如 wx.getLocation 的结果）最近的地点，按距离由近到远，附距离（公里）。"""
    return NearbyPage.model_validate(geo.nearby(session, q))


@router.get("/map/clusters", operation_id="search_map_clusters", summary="地图：按城市聚合")
def map_clusters(session: SessionDep, q: Annotated[geo.MapFilter, Query()]) -> list[CityCluster]:
    """缩小地图时，七市一区各一个聚合点（城市中心，GCJ-02）和其中的标注数；点击后按 bbox 放大。"""
    return [CityCluster.model_validate(c) for c in geo.clusters(session, q)]
