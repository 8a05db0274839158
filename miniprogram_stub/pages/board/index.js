const client = require('../../utils/client.js');
const { findCollection, itemTitle } = require('../../utils/boards.js');

// One board's list: the board's collections as tabs, a city filter, paging.
async function loadBoardPage({ board, collection, city, page = 1, pageSize = 20, sort } = {}) {
  const { board: b, coll } = findCollection(board, collection);
  const res = await client.call(coll.list, { query: { city, page, page_size: pageSize, sort } });
  return {
    board: b.key,
    boardName: b.name,
    collection: coll.key,
    tabs: b.collections.map((c) => ({ key: c.key, name: c.name })),
    items: res.items.map((item) => ({ ...item, displayTitle: itemTitle(item) })),
    total: res.total,
    // Lists count up to 200 rows; beyond, the count is a lower bound ("200+").
    totalExact: res.total_exact !== false,
    page: res.page,
    hasMore: res.has_more,
  };
}

Page({
  data: { board: '', collection: '', city: '', pageSize: 20, items: [], tabs: [], total: 0, totalExact: true, page: 1, hasMore: false, loading: false },
  onLoad(options) {
    this.setData({
      board: options.board, collection: options.collection || '', city: options.city || '',
      pageSize: Number(options.page_size) || 20,
    });
    return this.load(1);
  },
  async load(page) {
    if (this.data.loading) return;
    this.setData({ loading: true });
    try {
      const res = await loadBoardPage({
        board: this.data.board, collection: this.data.collection, city: this.data.city, page, pageSize: this.data.pageSize,
      });
      wx.setNavigationBarTitle({ title: res.boardName });
      this.setData({ ...res, items: page === 1 ? res.items : this.data.items.concat(res.items), loading: false });
    } catch (e) {
      this.setData({ loading: false });
    }
  },
  onReachBottom() {
    if (this.data.hasMore) return this.load(this.data.page + 1);
    return undefined;
  },
  onTapTab(e) {
    this.setData({ collection: e.currentTarget.dataset.key, items: [] });
    return this.load(1);
  },
  onTapItem(e) {
    const { id } = e.currentTarget.dataset;
    wx.navigateTo({ url: `/pages/detail/index?board=${this.data.board}&collection=${this.data.collection}&id=${id}` });
  },
});

module.exports = { loadBoardPage };
