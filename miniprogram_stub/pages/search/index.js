const client = require('../../utils/client.js');

// One search across every board and city; each hit carries the API path of its detail.
async function search({ q, board, city, page = 1 } = {}) {
  const text = (q || '').trim();
  if (!text) return { q: '', items: [], total: 0, facets: null, hasMore: false };
  const res = await client.call('search_query', { query: { q: text, board, city, page } });
  return { q: text, items: res.items, total: res.total, facets: res.facets, hasMore: res.has_more, page: res.page };
}

Page({
  data: { q: '', items: [], total: 0, facets: null, loading: false },
  onInput(e) {
    this.setData({ q: e.detail.value });
  },
  async onSearch() {
    this.setData({ loading: true });
    try {
      this.setData({ ...(await search({ q: this.data.q })), loading: false });
    } catch (e) {
      this.setData({ loading: false });
    }
  },
  onTapHit(e) {
    wx.navigateTo({ url: `/pages/detail/index?path=${encodeURIComponent(e.currentTarget.dataset.path)}` });
  },
});

module.exports = { search };
