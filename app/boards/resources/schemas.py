from __future__ import annotations

from pydantic import Field

from app.boards.resources.models import PlatformLevel, ResourceKind
from app.core.listing import ListQuery, Sort
from app.core.schemas import MaskedPhone, RecordPublic


class ResourceQuery(ListQuery):
    kind: ResourceKind | None = Field(default=None, description="资源类型")
    platform_level: PlatformLevel | None = Field(default=None, description="平台级别（国家级/市级/区级）")
    district: str | None = Field(default=None, min_length=1, max_length=32, description="区县，如“普陀区”")
    sort: Sort = Sort.newest


class ResourceSummary(RecordPublic):
    name: str
    kind: ResourceKind
    platform_level: PlatformLevel | None
    org_name: str
    district: str
    address: str
    lat: float | None = Field(description="纬度（GCJ-02）")
    lng: float | None = Field(description="经度（GCJ-02）")
    area_sqm: float | None = Field(description="面积，平方米")
    rent_yuan_per_sqm_day: float | None = Field(description="租金，元/平方米·天")
    rent_free_terms: str = Field(description="免租条件")


class ResourcePublic(ResourceSummary):
    capabilities: str
    open_services: str
    description: str
    contact_name: str
    contact_phone: MaskedPhone
    website: str | None
