"""一图览全域: markers in a box, the nearest places to a point, per-city clusters. GCJ-02 in and out.

Every record with a point (resources, 科技金融服务工作站, events) carries it in the search index, so the map reads one
table through its (lat, lng) index, whatever the board.
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from pydantic import Field, model_validator
from sqlalchemy.orm import Session

from app.core.errors import Invalid
from app.core.schemas import RequestModel
from app.search.documents import BOARDS
from app.search.models import SearchDoc
from app.search.service import DETAIL_PATHS, SearchBoard

_doc = SearchDoc.__table__  # type: ignore[attr-defined]
EARTH_KM = 6371.0088
_CODE = r"^[a-z][a-z0-9_]*$"
NEARBY_SCAN = 5000


class MapFilter(RequestModel):
    board: SearchBoard | None = Field(default=None, description="板块")
    type: str | None = Field(
        default=None, max_length=32, pattern=_CODE, description="类型代码，如 university、platform"
    )


class BoxQuery(MapFilter):
    min_lat: float = Field(ge=-90, le=90, description="西南角纬度（GCJ-02）")
    min_lng: float = Field(ge=-180, le=180, description="西南角经度（GCJ-02）")
    max_lat: float = Field(ge=-90, le=90, description="东北角纬度（GCJ-02）")
    max_lng: float = Field(ge=-180, le=180, description="东北角经度（GCJ-02）")
    limit: int = Field(default=200, ge=1, le=500, description="最多返回的标注数")

    @model_validator(mode="after")
    def _ordered(self) -> BoxQuery:
        if self.min_lat > self.max_lat or self.min_lng > self.max_lng:
            raise ValueError("范围有误：西南角须在东北角的西南")
        return self


class NearbyQuery(MapFilter):
    lat: float = Field(ge=-90, le=90, description="纬度（GCJ-02，wx.getLocation type=gcj02）")
    lng: float = Field(ge=-180, le=180, description="经度（GCJ-02）")
    radius_km: float = Field(default=10, gt=0, le=100, description="半径，公里，最大 100")
    limit: int = Field(default=20, ge=1, le=50, description="最多返回条数")


def _filters(q: MapFilter) -> list[Any]:
    conds = [_doc.c.board.in_(BOARDS)]  # never the organisations (they are no public board)
    if q.board:
        conds.append(_doc.c.board == q.board.value)
    if q.type:
        conds.append(_doc.c.doc_type == q.type)
    return conds


def _marker(r: Any) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "id": r.record_id,
        "board": r.board,
        "type": r.doc_type,
        "title": r.title,
        "city_code": r.city_code,
        "lat": r.lat,
        "lng": r.lng,
        "path": "/api/v1" + DETAIL_PATHS.get(r.kind, "").format(id=r.record_id),
    }


_COLS = [_doc.c.id, _doc.c.kind, _doc.c.record_id, _doc.c.board, _doc.c.doc_type, _doc.c.title, _doc.c.city_code]
_COLS += [_doc.c.lat, _doc.c.lng]


def markers(session: Session, q: BoxQuery) -> dict[str, Any]:
    """The markers inside a box, freshest first, at most `limit`; `total` counts them all."""
    conds = [
        _doc.c.lat.between(q.min_lat, q.max_lat),
        _doc.c.lng.between(q.min_lng, q.max_lng),
        *_filters(q),
    ]
    total = session.execute(sa.select(sa.func.count()).select_from(_doc).where(*conds)).scalar_one()
    rows = session.execute(sa.select(*_COLS).where(*conds).order_by(_doc.c.id.desc()).limit(q.limit)).all()
    return {"items": [_marker(r) for r in rows], "total": total, "limit": q.limit, "truncated": total > len(rows)}


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def nearby(session: Session, q: NearbyQuery) -> dict[str, Any]:
    """The nearest places within `radius_km` of a point, nearest first, with their distance in km."""
    dlat = q.radius_km / 111.0
    dlng = q.radius_km / (111.0 * max(math.cos(math.radians(q.lat)), 0.01))
    conds = [
        _doc.c.lat.between(q.lat - dlat, q.lat + dlat),
        _doc.c.lng.between(q.lng - dlng, q.lng + dlng),
        *_filters(q),
    ]
    rows = session.execute(sa.select(*_COLS).where(*conds).order_by(_doc.c.id.desc()).limit(NEARBY_SCAN)).all()
    if len(rows) >= NEARBY_SCAN:
        raise Invalid("范围内地点过多，请缩小半径或增加筛选条件", code="too_many_places")
    found = []
    for r in rows:
        km = haversine_km(q.lat, q.lng, r.lat, r.lng)
        if km <= q.radius_km:
            found.append((km, -r.id, r))
    found.sort(key=lambda t: (t[0], t[1]))
    items = [{**_marker(r), "distance_km": round(km, 2)} for km, _, r in found[: q.limit]]
    return {"items": items, "total": len(found), "radius_km": q.radius_km}


def clusters(session: Session, q: MapFilter) -> list[dict[str, Any]]:
    """Per city, how many places have a point, placed at the city's centre (a zoomed-out view of all eight)."""
    from app.cities.models import City

    counts: dict[str, int] = dict(
        session.execute(
            sa.select(_doc.c.city_code, sa.func.count())
            .where(_doc.c.lat.is_not(None), *_filters(q))
            .group_by(_doc.c.city_code)
        ).all()
    )
    cities = session.execute(sa.select(City).order_by(City.sort)).scalars().all()  # type: ignore[arg-type]
    return [
        {
            "city_code": c.code,
            "name": c.short_name,
            "lat": c.center_lat,
            "lng": c.center_lng,
            "count": counts.get(c.code, 0),
            "bbox": [c.bbox_min_lat, c.bbox_min_lng, c.bbox_max_lat, c.bbox_max_lng],
        }
        for c in cities
    ]
