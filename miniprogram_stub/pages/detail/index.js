const client = require('../../utils/client.js');
const { ROUTES } = require('../../utils/routes.js');
const { findCollection, itemTitle } = require('../../utils/boards.js');

// The detail operation and its parameters for a detail path the API returned (a search hit's `path`).
function routeForPath(path) {
  const clean = String(path).split('?')[0];
  const names = Object.keys(ROUTES);
  for (let i = 0; i < names.length; i += 1) {
    const r = ROUTES[names[i]];
    if (r.method !== 'GET') continue;
    const keys = [];
    const pattern = new RegExp(`^${r.path.replace(/\{(\w+)\}/g, (_, k) => { keys.push(k); return '([^/]+)'; })}$`);
    const m = clean.match(pattern);
    if (m && keys.length) {
      const params = {};
      keys.forEach((k, j) => { params[k] = decodeURIComponent(m[j + 1]); });
      return { name: names[i], params };
    }
  }
  return null;
}

// A record's detail, by board/collection/id or by an API path.
async function loadDetail({ board, collection, id, path } = {}) {
  let target;
  if (path) {
    target = routeForPath(path);
    if (!target) throw new Error(`no detail route for ${path}`);
  } else {
    const { coll } = findCollection(board, collection);
    target = { name: coll.get, params: { [coll.idParam]: id } };
  }
  const item = await client.call(target.name, { params: target.params });
  return { item, title: itemTitle(item), canApply: target.name === 'demands_get' && item.status === 'published' };
}

Page({
  data: { item: null, title: '', canApply: false, loading: true },
  async onLoad(options) {
    try {
      const res = await loadDetail({
        board: options.board, collection: options.collection, id: options.id,
        path: options.path ? decodeURIComponent(options.path) : undefined,
      });
      this.setData({ ...res, loading: false });
    } catch (e) {
      this.setData({ loading: false });
    }
  },
  onTapApply() {
    wx.navigateTo({ url: `/pages/demand-apply/index?demand_id=${this.data.item.id}` });
  },
  onTapAttachment(e) {
    const url = client.absoluteUrl(e.currentTarget.dataset.url);
    wx.downloadFile({ url, success: (res) => res.statusCode === 200 && wx.openDocument({ filePath: res.tempFilePath }) });
  },
});

module.exports = { loadDetail, routeForPath };
