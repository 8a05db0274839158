// A visitor browses: home → each board's list → detail, the map with each city's jump, and what the client does
// with errors. Real HTTP against `python -m tests.stubserver`.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./server.js');
const { setup, loadPage, instantiate } = require('./harness.js');

let server;
let ctx;

test.before(async () => {
  server = await startServer();
  ctx = setup(server.base_url);
});

test.after(async () => {
  if (server) await server.stop();
});

test('home shows the boards with counts and the eight cities', async () => {
  const { exports } = loadPage('home');
  const { home, cities, boards } = await exports.loadHome();
  assert.equal(cities.length, 8);
  assert.ok(cities.some((c) => c.code === 'putuo'));
  assert.ok(boards.some((b) => b.key === 'policy'));
  const policy = home.boards.find((b) => b.board === 'policy');
  assert.ok(policy && policy.count >= 2, JSON.stringify(home.boards));
  assert.ok(home.latest_policies.length >= 1);
});

test('home page instance loads its data through onLoad', async () => {
  const { options } = loadPage('home');
  const page = instantiate(options);
  await page.onLoad({});
  assert.equal(page.data.loading, false);
  assert.equal(page.data.cities.length, 8);
  assert.ok(page.data.home.boards.length >= 6);
  await page.onCityChange({ detail: { value: String(page.data.cities.findIndex((c) => c.code === 'suzhou')) } });
  assert.equal(page.data.city, 'suzhou');
  assert.equal(page.data.home.city, 'suzhou');
});

test('every collection of every board lists and opens its first record', async () => {
  const { BOARDS } = require('../utils/boards.js');
  const { ROUTES } = require('../utils/routes.js');
  const board = loadPage('board').exports;
  const detail = loadPage('detail').exports;
  let opened = 0;
  for (const b of BOARDS) {
    for (const c of b.collections) {
      if (ROUTES[c.list].pending) continue; // served by a branch that has not landed yet
      const res = await board.loadBoardPage({ board: b.key, collection: c.key });
      assert.ok(res.total >= 1, `${b.key}/${c.key} is empty`);
      assert.equal(res.totalExact, true, `${b.key}/${c.key}: the demo data is counted to the end`);
      assert.ok(res.items[0].displayTitle, `${b.key}/${c.key} has no title`);
      const { item, title } = await detail.loadDetail({ board: b.key, collection: c.key, id: res.items[0].id });
      assert.equal(item.id, res.items[0].id);
      assert.equal(title, res.items[0].displayTitle);
      opened += 1;
    }
  }
  assert.ok(opened >= 15, `only ${opened} collections opened`);
});

test('a city filter narrows a list, and a page instance appends the next page', async () => {
  const board = loadPage('board').exports;
  const all = await board.loadBoardPage({ board: 'policy' });
  const suzhou = await board.loadBoardPage({ board: 'policy', city: 'suzhou' });
  assert.ok(all.total > suzhou.total);
  assert.ok(suzhou.items.every((p) => p.city_code === 'suzhou'));
  const { options } = loadPage('board');
  const page = instantiate(options);
  await page.onLoad({ board: 'policy', page_size: '1' });
  assert.equal(page.data.items.length, 1);
  assert.equal(page.data.hasMore, true);
  await page.onReachBottom();
  assert.equal(page.data.items.length, 2);
  assert.notEqual(page.data.items[0].id, page.data.items[1].id);
  assert.equal(page.data.page, 2);
});

test('a detail path from the API maps back to its operation', () => {
  const { routeForPath } = loadPage('detail').exports;
  assert.deepEqual(routeForPath('/api/v1/policy/policies/12'), { name: 'policy_get', params: { policy_id: '12' } });
  assert.deepEqual(routeForPath('/api/v1/finance/financing-needs/3'), {
    name: 'finance_financing_need_get', params: { need_id: '3' },
  });
  assert.equal(routeForPath('/api/v1/unknown/9'), null);
});

test('a missing record is a 404 shown as a Chinese toast', async () => {
  const detail = loadPage('detail').exports;
  const before = ctx.shim.toasts.length;
  await assert.rejects(
    detail.loadDetail({ board: 'policy', id: 2147483000 }),
    (err) => err instanceof ctx.client.ApiError && err.statusCode === 404 && err.code === 'not_found',
  );
  assert.equal(ctx.shim.toasts.length, before + 1);
  assert.match(ctx.shim.lastToast(), /[\u4e00-\u9fff]/);
});

test('a bad parameter is a 422 whose field message reaches the toast', async () => {
  await assert.rejects(
    ctx.client.call('policy_list', { query: { page_size: 999 } }),
    (err) => err.statusCode === 422 && err.code === 'validation_error' && Array.isArray(err.detail),
  );
  assert.match(ctx.shim.lastToast(), /page_size/);
});

test('the map puts the eight cities on GCJ-02 centres and jumps to each platform by its kind', async () => {
  const map = loadPage('map').exports;
  const { cities, markers } = await map.loadMap();
  assert.equal(markers.length, 8);
  markers.forEach((m) => {
    assert.ok(m.latitude > 30 && m.latitude < 34 && m.longitude > 118 && m.longitude < 122.5, JSON.stringify(m));
  });
  const seen = new Set();
  for (const city of cities) {
    const done = await map.openCityPlatform(city);
    seen.add(done.action);
    if (city.jump.type === 'miniprogram') {
      assert.deepEqual(done, { action: 'miniprogram', appId: city.jump.app_id, path: city.jump.path || '' });
    } else if (city.jump.type === 'webview') {
      assert.equal(done.action, 'webview');
      assert.ok(ctx.shim.navigations.at(-1).url.startsWith('/pages/webview/index?url='));
    } else if (city.jump.url) {
      assert.deepEqual(done, { action: 'copy', url: city.jump.url });
      assert.equal(ctx.shim.clipboard, city.jump.url);
    }
  }
  assert.ok(seen.size >= 1);
});

test('an unreachable server is a network toast, not a crash', async () => {
  const { client, config } = ctx;
  const saved = config.baseUrl;
  config.baseUrl = 'http://127.0.0.1:9';
  try {
    await assert.rejects(client.call('city_list'), (err) => err.statusCode === 0 && err.code === 'network_error');
    assert.equal(ctx.shim.lastToast(), '网络不可用，请检查网络后重试');
  } finally {
    config.baseUrl = saved;
  }
});
