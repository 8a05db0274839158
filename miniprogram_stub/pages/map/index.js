const client = require('../../utils/client.js');
const { openCityPlatform } = require('../../utils/nav.js');

// 一图览全域: the eight cities as markers (GCJ-02 centres), resource markers inside the visible region.
function cityMarkers(cities) {
  return cities.map((c, i) => ({
    id: i + 1, latitude: c.center_lat, longitude: c.center_lng, title: c.name,
    callout: { content: c.platform_name || c.name, display: 'BYCLICK' }, cityCode: c.code,
  }));
}

async function loadMap() {
  const cities = await client.call('city_list');
  return { cities, markers: cityMarkers(cities) };
}

// Resource, station and event markers in the visible region (GCJ-02 south-west and north-east corners); an empty
// list until the map API is served. Each marker keeps the API path of its detail.
async function loadResourceMarkers({ south, west, north, east, board } = {}) {
  try {
    const query = { min_lat: south, min_lng: west, max_lat: north, max_lng: east, board };
    const res = await client.call('search_map_markers', { query, toast: false });
    return (res.items || []).map((m, i) => ({
      id: 1000 + i, latitude: m.lat, longitude: m.lng, title: m.title, path: m.path,
    }));
  } catch (e) {
    if (e instanceof client.ApiError && e.statusCode === 404) return [];
    throw e;
  }
}

Page({
  data: { cities: [], markers: [], latitude: 31.8, longitude: 120.2, scale: 7 },
  async onLoad() {
    try {
      this.setData(await loadMap());
    } catch (e) { /* the toast has said why */ }
  },
  async onRegionChange(e) {
    if (e.type !== 'end' || !e.detail.region) return;
    const { southwest, northeast } = e.detail.region;
    const extra = await loadResourceMarkers({ south: southwest.latitude, west: southwest.longitude, north: northeast.latitude, east: northeast.longitude });
    this.setData({ markers: cityMarkers(this.data.cities).concat(extra) });
  },
  onTapCallout(e) {
    const marker = this.data.markers.find((m) => m.id === e.detail.markerId);
    if (marker && marker.path) {
      wx.navigateTo({ url: `/pages/detail/index?path=${encodeURIComponent(marker.path)}` });
      return undefined;
    }
    const city = marker && this.data.cities.find((c) => c.code === marker.cityCode);
    if (city) return openCityPlatform(city);
    return undefined;
  },
  onTapCity(e) {
    return openCityPlatform(this.data.cities[Number(e.currentTarget.dataset.index)]);
  },
});

module.exports = { loadMap, loadResourceMarkers, cityMarkers, openCityPlatform };
