from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SearchHit(BaseModel):
    id: int = Field(description="记录 ID（在其所属表中）")
    kind: str = Field(description="记录种类：policy、resource、expert、demand …")
    board: str = Field(description="板块")
    city_code: str
    type: str = Field(description="记录自身的类型代码")
    industries: list[str]
    title: str
    title_html: str = Field(description="标题，命中词以 <em> 标出（其余已 HTML 转义）")
    snippet_html: str = Field(description="正文摘要，命中词以 <em> 标出（其余已 HTML 转义）")
    published_at: datetime
    path: str = Field(description="详情接口路径")


class FacetCount(BaseModel):
    value: str
    label: str
    count: int


class SearchFacets(BaseModel):
    board: list[FacetCount]
    city: list[FacetCount]
    industry: list[FacetCount]


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int = Field(description="命中总数，最多统计最新的 500 条；total_exact 为 false 时是下限")
    total_exact: bool
    page: int
    page_size: int
    has_more: bool
    facets: SearchFacets
    facets_exact: bool = Field(description="为 false 时分面计数只统计了最新的 500 条命中")


class MatchReason(BaseModel):
    code: str = Field(
        description="shared_terms 共同关键词 · similar_text 描述相近 · same_chain_node 同一环节 · upstream 上游 · "
        "downstream 下游 · same_chain 同一产业链 · same_industry 同一行业 · same_city 同城 · neighbour_city 邻近城市 · "
        "category_fits 政策类型适用 · applicant_fits 申报对象相符 · wide_policy 国家级/省级政策"
    )
    label: str
    score: float | None = None


class MatchItem(BaseModel):
    kind: str
    id: int
    board: str
    title: str
    city_code: str
    type: str
    score: float
    reasons: list[MatchReason]
    path: str | None = Field(default=None, description="详情接口路径（机构没有公开详情）")


class DemandMatches(BaseModel):
    demand_id: int
    items: list[MatchItem]


class OrgRecommendations(BaseModel):
    org_id: int
    demands: list[MatchItem]
    policies: list[MatchItem]


class ChainNodeRef(BaseModel):
    code: str
    name: str
    stage: str
    chain_code: str
    chain_name: str


class DemandBrief(BaseModel):
    id: int
    title: str
    city_code: str
    path: str


class LinkedNodeView(BaseModel):
    node: ChainNodeRef
    note: str = Field(description="上下游之间流动的是什么")
    demand_count: int = Field(description="该环节公开榜单数（至多 1000）")
    demands: list[DemandBrief]


class DemandChainView(BaseModel):
    demand_id: int
    node: ChainNodeRef | None = Field(description="榜单所在环节（未标注时由标题与关键词推断）")
    node_inferred: bool
    same_node: LinkedNodeView | None
    upstream: list[LinkedNodeView]
    downstream: list[LinkedNodeView]


class MapMarker(BaseModel):
    kind: str
    id: int
    board: str
    type: str
    title: str
    city_code: str
    lat: float = Field(description="GCJ-02")
    lng: float = Field(description="GCJ-02")
    path: str


class MarkerPage(BaseModel):
    items: list[MapMarker]
    total: int = Field(description="范围内的标注总数")
    limit: int
    truncated: bool = Field(description="为 true 时只返回了最新的 limit 个，请放大地图或增加筛选")


class NearbyMarker(MapMarker):
    distance_km: float


class NearbyPage(BaseModel):
    items: list[NearbyMarker]
    total: int = Field(description="半径内的地点总数")
    radius_km: float


class CityCluster(BaseModel):
    city_code: str
    name: str
    lat: float = Field(description="城市中心，GCJ-02")
    lng: float
    count: int
    bbox: list[float] = Field(description="[min_lat, min_lng, max_lat, max_lng]，GCJ-02，点击后缩放到此范围")
