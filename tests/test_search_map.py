"""一图览全域: markers in a box, the nearest places to a point, per-city clusters (GCJ-02)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.models import Verification
from app.search.geo import haversine_km
from tests import factories as f
from tests.contracts import assert_error_shape

# A box around 普陀 (GCJ-02) and one around 南京's centre.
PUTUO_BOX = {"min_lat": 31.20, "min_lng": 121.35, "max_lat": 31.30, "max_lng": 121.45}


@pytest.fixture()
def places(session: Session) -> dict[str, Any]:
    return dict(
        poc=f.resource(session, name="普陀区概念验证中心", kind="poc_center", lat=31.2304, lng=121.4050),
        lab=f.resource(session, name="华东师范大学实验室", kind="platform", lat=31.2290, lng=121.4000),
        far=f.resource(session, name="普陀区西部孵化器", kind="incubator", lat=31.2800, lng=121.3600),
        nanjing=f.resource(session, name="南京某平台", kind="platform", city_code="nanjing", lat=32.06, lng=118.79),
        station=f.service_station(session, name="普陀科技金融服务工作站", lat=31.2400, lng=121.4100),
        hidden=f.resource(session, name="未核验平台", lat=31.2305, lng=121.4051, verification=Verification.pending),
        nowhere=f.resource(session, name="没有坐标的平台", lat=None, lng=None),
    )


def keys(items: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(i["kind"], i["id"]) for i in items}


class TestMapMarkers:
    URL = "/api/v1/map/markers"

    def test_markers_in_box_with_filters_and_cap(self, client: TestClient, places: dict[str, Any]) -> None:
        r = client.get(self.URL, params=PUTUO_BOX)
        assert r.status_code == 200, r.text
        body = r.json()
        assert keys(body["items"]) == {
            ("resource", places["poc"].id),
            ("resource", places["lab"].id),
            ("resource", places["far"].id),
            ("service_station", places["station"].id),
        }
        assert body["total"] == 4 and body["truncated"] is False
        m = next(i for i in body["items"] if i["id"] == places["poc"].id and i["kind"] == "resource")
        assert (m["lat"], m["lng"]) == (31.2304, 121.405)
        assert m["path"] == f"/api/v1/resources/resources/{places['poc'].id}"
        only = client.get(self.URL, params={**PUTUO_BOX, "board": "resources", "type": "platform"}).json()
        assert keys(only["items"]) == {("resource", places["lab"].id)}
        capped = client.get(self.URL, params={**PUTUO_BOX, "limit": 2}).json()
        assert len(capped["items"]) == 2 and capped["total"] == 4 and capped["truncated"] is True

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {**PUTUO_BOX, "min_lat": 31.5},  # south-west corner north of the north-east one
            {**PUTUO_BOX, "max_lat": 91},
            {**PUTUO_BOX, "limit": 501},
            {**PUTUO_BOX, "board": "nope"},
            {**PUTUO_BOX, "type": "A;B"},
            {**PUTUO_BOX, "min_lng": "east"},
        ],
    )
    def test_bad_box_is_422(self, client: TestClient, params: dict[str, Any]) -> None:
        assert_error_shape(client.get(self.URL, params=params), 422)


class TestMapNearby:
    URL = "/api/v1/map/nearby"

    def test_nearest_first_with_km(self, client: TestClient, places: dict[str, Any]) -> None:
        r = client.get(self.URL, params={"lat": 31.2300, "lng": 121.4045, "radius_km": 3})
        assert r.status_code == 200, r.text
        body = r.json()
        assert [(i["kind"], i["id"]) for i in body["items"]] == [
            ("resource", places["poc"].id),
            ("resource", places["lab"].id),
            ("service_station", places["station"].id),
        ]
        first = body["items"][0]
        assert first["distance_km"] == round(haversine_km(31.2300, 121.4045, 31.2304, 121.4050), 2)
        assert 0 < first["distance_km"] < 0.1
        assert all(i["distance_km"] <= 3 for i in body["items"]) and body["total"] == 3
        wide = client.get(self.URL, params={"lat": 31.2300, "lng": 121.4045, "radius_km": 10, "board": "resources"})
        assert ("resource", places["far"].id) in keys(wide.json()["items"])
        assert ("service_station", places["station"].id) not in keys(wide.json()["items"])

    def test_distance_is_great_circle(self) -> None:
        # 普陀 to 南京 centres, about 270 km
        assert 260 < haversine_km(31.2494, 121.3974, 32.0603, 118.7969) < 280

    @pytest.mark.parametrize(
        "params", [{"lat": 31.2}, {"lat": 31.2, "lng": 121.4, "radius_km": 0}, {"lat": 95, "lng": 1}]
    )
    def test_bad_point_is_422(self, client: TestClient, params: dict[str, Any]) -> None:
        assert_error_shape(client.get(self.URL, params=params), 422)


class TestMapClusters:
    URL = "/api/v1/map/clusters"

    def test_one_cluster_per_city_at_its_centre(self, client: TestClient, places: dict[str, Any]) -> None:
        r = client.get(self.URL)
        assert r.status_code == 200, r.text
        by_city = {c["city_code"]: c for c in r.json()}
        assert len(by_city) == 8
        assert by_city["putuo"]["count"] == 4 and by_city["nanjing"]["count"] == 1 and by_city["taizhou"]["count"] == 0
        assert (by_city["putuo"]["lat"], by_city["putuo"]["lng"]) == (31.2494, 121.3974)
        assert len(by_city["nanjing"]["bbox"]) == 4
        stations = {c["city_code"]: c["count"] for c in client.get(self.URL, params={"board": "finance"}).json()}
        assert stations["putuo"] == 1 and stations["nanjing"] == 0
