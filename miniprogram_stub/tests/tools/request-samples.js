// Prints, as JSON, what the contract check (tests/test_stub_contract.py) compares with openapi/openapi.json:
// every operation in utils/routes.js, every operation name the sources call, direct wx.request uses outside the
// client, and a request body for each operation that sends one, built by the same functions the pages use.
const fs = require('node:fs');
const path = require('node:path');

const STUB = path.resolve(__dirname, '..', '..');
global.wx = {
  getStorageSync: () => '', setStorageSync: () => {}, removeStorageSync: () => {},
};
global.Page = () => {};
global.App = () => {};

const { ROUTES } = require(path.join(STUB, 'utils', 'routes.js'));
const client = require(path.join(STUB, 'utils', 'client.js'));
const post = require(path.join(STUB, 'pages', 'demand-post', 'index.js'));
const apply = require(path.join(STUB, 'pages', 'demand-apply', 'index.js'));
const my = require(path.join(STUB, 'pages', 'my', 'index.js'));
const { BOARDS } = require(path.join(STUB, 'utils', 'boards.js'));

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'tests' ? [] : sources(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

const called = new Set();
const directRequests = [];
for (const file of sources(STUB)) {
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\bcall\(\s*'(\w+)'/g)) called.add(m[1]);
  const rel = path.relative(STUB, file);
  if (rel !== path.join('utils', 'client.js') && /wx\.(request|uploadFile)\(/.test(text)) directRequests.push(rel);
}
BOARDS.forEach((b) => b.collections.forEach((c) => { called.add(c.list); called.add(c.get); }));

const fullDemand = {
  ...post.emptyForm(),
  title: '固态电池电解质界面稳定性攻关',
  demand_type: 'tackling',
  industry_code: 'new_energy',
  chain_code: 'new_energy',
  keywords: '固态电池，电解质, 界面',
  description: '需要解决硫化物电解质与正极界面副反应问题',
  tech_targets: '循环 1000 次容量保持率 ≥ 90%',
  expected_result: '中试样品与工艺包',
  reward_wan_yuan: '300',
  deadline: '2027-06-30',
  period_months: '18',
  eligibility: '具备固态电池研发经验的高校或院所',
  contact_name: '张工',
  contact_phone: '13812345678',
  attachments: [{ upload_id: 1, name: '技术指标.pdf', url: '/api/v1/uploads/1/content' }],
};
const negotiable = { ...post.emptyForm(), title: '面议榜单', reward_negotiable: true, reward_wan_yuan: '50' };
let application = apply.addPartner(apply.emptyApplication(), { org_id: 7, role: '中试验证' });
application = apply.addPartner(application, { org_id: 8 });
application = {
  ...application,
  proposal: '采用原位包覆工艺抑制界面副反应，分三阶段实施',
  team: '教授 2 名、博士 5 名',
  budget_wan_yuan: '280',
  timeline: '第 1–6 月材料筛选；第 7–18 月中试',
  contact_name: '李老师',
  contact_phone: '13900001111',
  attachments: [{ upload_id: 2, name: '方案.pdf', url: '/api/v1/uploads/2/content' }],
};

const samples = [
  { operation: 'members_privacy_consent', body: my.consentBody('1.0') },
  {
    operation: 'orgs_register',
    body: my.orgBody({ name: ' 常州某新能源科技有限公司 ', credit_code: '91320400mA1XXXXXXX', org_type: 'enterprise', city_code: 'changzhou', capabilities: '电池材料' }),
  },
  { operation: 'orgs_select_acting', body: my.actingOrgBody('7') },
  { operation: 'members_login', body: client.loginBody('code-from-wx-login') },
  { operation: 'notifications_wechat_grants', body: client.subscribeGrantBody({ TMPL_A: 'accept', TMPL_B: 'reject' }) },
  { operation: 'demands_create', body: post.buildDemandBody(fullDemand) },
  { operation: 'demands_create', body: post.buildDemandBody(negotiable) },
  { operation: 'demands_update', body: post.buildDemandBody(fullDemand) },
  { operation: 'applications_create', body: apply.buildApplicationBody(application) },
  { operation: 'applications_create', body: apply.buildApplicationBody({ ...apply.emptyApplication(), proposal: '独立揭榜的技术方案说明' }) },
  { operation: 'upload_create', multipart: true, body: { kind: 'attachment', visibility: 'private', file: 'x' } },
];

process.stdout.write(JSON.stringify({
  routes: ROUTES, called: [...called].sort(), direct_requests: directRequests, samples,
}));
