// 消息: the in-app inbox; a tap marks a message read and opens what it links to ("demand:12", "application:7").
const client = require('../../utils/client.js');

async function loadInbox({ page = 1, unreadOnly = false } = {}) {
  const [res, count] = await Promise.all([
    client.call('notifications_list', { query: { page, unread_only: unreadOnly || undefined } }),
    client.call('notifications_unread_count'),
  ]);
  return { items: res.items, total: res.total, unread: count.unread, hasMore: res.has_more };
}

async function markRead(notificationId) {
  return client.call('notifications_read', { params: { notification_id: notificationId } });
}

function linkTarget(link) {
  const [kind, id] = String(link || '').split(':');
  if (kind === 'demand' && id) return `/pages/detail/index?board=tech&collection=demands&id=${id}`;
  if (kind === 'application' && id) return '/pages/my/index';
  return '';
}

Page({
  data: { items: [], total: 0, unread: 0 },
  async onShow() {
    try {
      this.setData(await loadInbox());
    } catch (e) { /* toast shown */ }
  },
  async onTapItem(e) {
    const item = this.data.items[Number(e.currentTarget.dataset.index)];
    if (!item.read_at) {
      try {
        await markRead(item.id);
      } catch (e2) { /* toast shown */ }
    }
    const url = linkTarget(item.link);
    if (url === '/pages/my/index') {
      wx.setStorageSync('my_tab', 'applications');
      wx.switchTab({ url });
    } else if (url) {
      wx.navigateTo({ url });
    }
  },
});

module.exports = { loadInbox, markRead, linkTarget };
