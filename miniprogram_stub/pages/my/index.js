// 我的: my 榜单 (with the applications each received) and my 揭榜 applications.
const client = require('../../utils/client.js');

const STATUS_LABELS = {
  draft: '草稿', pending_review: '审核中', rejected: '已驳回', published: '揭榜中', closed: '已截止',
  awarded: '已签约', completed: '已验收', withdrawn: '已撤回', submitted: '已提交', shortlisted: '已入围',
  selected: '已选中', not_selected: '未选中',
};

function label(item) {
  return { ...item, statusLabel: STATUS_LABELS[item.status] || item.status };
}

async function loadMyDemands({ status, page = 1 } = {}) {
  const res = await client.call('demands_mine', { query: { status, page } });
  return { items: res.items.map(label), total: res.total, hasMore: res.has_more };
}

async function loadMyApplications({ status, page = 1 } = {}) {
  const res = await client.call('applications_mine', { query: { status, page } });
  return { items: res.items.map(label), total: res.total, hasMore: res.has_more };
}

// The applications to one of my demands (only its poster may see them).
async function loadDemandApplications(demandId) {
  const res = await client.call('demands_applications', { params: { demand_id: demandId } });
  return { items: res.items.map(label), total: res.total };
}

async function loadMe() {
  return client.call('members_me');
}

// 同意隐私政策: after the user tapped 同意 on the policy the login answer named (current_privacy_version).
function consentBody(version) {
  return { version: String(version) };
}

async function consentPrivacy(version) {
  return client.call('members_privacy_consent', { body: consentBody(version) });
}

// 机构认证: register the member's organisation (staff verify it; the member then acts for it).
function orgBody({ name, credit_code, org_type, city_code, capabilities = '', intro = '' }) {
  const body = { name: String(name).trim(), credit_code: String(credit_code).trim().toUpperCase(), org_type, city_code };
  if (String(capabilities).trim()) body.capabilities = String(capabilities).trim();
  if (String(intro).trim()) body.intro = String(intro).trim();
  return body;
}

async function registerOrg(form) {
  return client.call('orgs_register', { body: orgBody(form) });
}

async function loadMyOrgs() {
  return client.call('orgs_mine');
}

function actingOrgBody(orgId) {
  return { org_id: Number(orgId) };
}

async function selectActingOrg(orgId) {
  return client.call('orgs_select_acting', { body: actingOrgBody(orgId) });
}

Page({
  data: { tab: 'demands', me: null, items: [], total: 0, expanded: null, applications: [] },
  async onShow() {
    const wanted = wx.getStorageSync('my_tab');
    if (wanted) wx.removeStorageSync('my_tab');
    this.setData({ tab: wanted || this.data.tab || 'demands' });
    try {
      this.setData({ me: await loadMe() });
    } catch (e) { /* toast shown */ }
    return this.load();
  },
  async load() {
    try {
      const res = this.data.tab === 'demands' ? await loadMyDemands() : await loadMyApplications();
      this.setData({ items: res.items, total: res.total });
    } catch (e) { /* toast shown */ }
  },
  onTapTab(e) {
    this.setData({ tab: e.currentTarget.dataset.tab, items: [] });
    return this.load();
  },
  async onTapDemand(e) {
    const id = e.currentTarget.dataset.id;
    try {
      const res = await loadDemandApplications(id);
      this.setData({ expanded: id, applications: res.items });
    } catch (e2) { /* toast shown */ }
  },
  onTapPost() {
    wx.navigateTo({ url: '/pages/demand-post/index' });
  },
});

module.exports = {
  loadMyDemands, loadMyApplications, loadDemandApplications, loadMe, consentPrivacy, registerOrg, loadMyOrgs,
  selectActingOrg, orgBody, consentBody, actingOrgBody, STATUS_LABELS,
};
