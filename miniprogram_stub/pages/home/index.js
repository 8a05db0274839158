const client = require('../../utils/client.js');
const { BOARDS } = require('../../utils/boards.js');

// 首页: banners, the six boards with their counts, latest 榜单 / policies / achievements; optionally one city.
async function loadHome({ city } = {}) {
  const [home, cities] = await Promise.all([
    client.call('home_get', { query: { city } }),
    client.call('city_list'),
  ]);
  return { home, cities, boards: BOARDS.map((b) => ({ key: b.key, name: b.name })) };
}

Page({
  data: { loading: true, city: '', home: null, cities: [], boards: [] },
  onLoad(options) {
    return this.refresh((options && options.city) || '');
  },
  async refresh(city) {
    this.setData({ loading: true });
    try {
      const data = await loadHome({ city });
      this.setData({ ...data, city, loading: false });
    } catch (e) {
      this.setData({ loading: false });
    }
  },
  onPullDownRefresh() {
    return this.refresh(this.data.city).then(() => wx.stopPullDownRefresh());
  },
  onCityChange(e) {
    const city = this.data.cities[Number(e.detail.value)];
    return this.refresh(city ? city.code : '');
  },
  onTapBoard(e) {
    wx.navigateTo({ url: `/pages/board/index?board=${e.currentTarget.dataset.board}` });
  },
  onTapLatest(e) {
    const { board, id } = e.currentTarget.dataset;
    wx.navigateTo({ url: `/pages/detail/index?board=${board}&id=${id}` });
  },
  onTapSearch() {
    wx.navigateTo({ url: '/pages/search/index' });
  },
});

module.exports = { loadHome };
