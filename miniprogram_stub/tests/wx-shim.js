// A stand-in for the `wx` global of the mini-program runtime that sends real HTTP (Node's fetch) and records
// what the pages show. It behaves like WeChat where it matters to the client: `success` for every HTTP status,
// `fail` only when no answer came, uploadFile's `res.data` as a string, one-time login codes.
const fs = require('node:fs');
const path = require('node:path');

function createWx() {
  const shim = {
    users: {},
    user: 'visitor',
    loginCount: 0,
    toasts: [],
    requests: [],
    navigations: [],
    clipboard: null,
    subscribeAnswer: 'accept',
    subscribeAsked: [],
    failNextLogin: false,
  };

  function storage() {
    if (!shim.users[shim.user]) shim.users[shim.user] = new Map();
    return shim.users[shim.user];
  }

  async function send(url, init) {
    const res = await fetch(url, init);
    const text = await res.text();
    const header = {};
    res.headers.forEach((v, k) => { header[k] = v; });
    return { statusCode: res.status, text, header };
  }

  const wx = {
    request({ url, method = 'GET', data, header = {}, dataType = 'json', success, fail, complete }) {
      const headers = { ...header };
      let body;
      if (data !== undefined && method !== 'GET') {
        body = typeof data === 'string' ? data : JSON.stringify(data);
        headers['Content-Type'] = headers['Content-Type'] || 'application/json';
      }
      shim.requests.push({ method, url, body: body === undefined ? undefined : JSON.parse(body), user: shim.user });
      send(url, { method, headers, body }).then(
        (res) => {
          let parsed = res.text;
          if (dataType === 'json') {
            try { parsed = JSON.parse(res.text); } catch (e) { parsed = res.text; }
          }
          const out = { statusCode: res.statusCode, data: parsed, header: res.header, errMsg: 'request:ok' };
          if (success) success(out);
          if (complete) complete(out);
        },
        (err) => {
          const out = { errMsg: `request:fail ${err.message}` };
          if (fail) fail(out);
          if (complete) complete(out);
        },
      );
    },
    uploadFile({ url, filePath, name, formData = {}, header = {}, success, fail }) {
      const form = new FormData();
      Object.keys(formData).forEach((k) => form.append(k, String(formData[k])));
      form.append(name, new Blob([fs.readFileSync(filePath)]), path.basename(filePath));
      shim.requests.push({ method: 'POST', url, upload: { name, formData }, user: shim.user });
      send(url, { method: 'POST', headers: header, body: form }).then(
        (res) => success && success({ statusCode: res.statusCode, data: res.text, errMsg: 'uploadFile:ok' }),
        (err) => fail && fail({ errMsg: `uploadFile:fail ${err.message}` }),
      );
    },
    login({ success, fail }) {
      if (shim.failNextLogin) {
        shim.failNextLogin = false;
        setImmediate(() => fail && fail({ errMsg: 'login:fail' }));
        return;
      }
      shim.loginCount += 1;
      // The fake WeChat maps "name:n" to openid ofake_name; every code is new (a code works once).
      setImmediate(() => success({ code: `${shim.user}:${shim.loginCount}`, errMsg: 'login:ok' }));
    },
    getStorageSync: (key) => (storage().has(key) ? storage().get(key) : ''),
    setStorageSync: (key, value) => { storage().set(key, JSON.parse(JSON.stringify(value))); },
    removeStorageSync: (key) => { storage().delete(key); },
    showToast: (opts) => { shim.toasts.push(opts.title); },
    showModal: (opts) => { if (opts.success) opts.success({ confirm: true }); },
    requestSubscribeMessage({ tmplIds, success }) {
      shim.subscribeAsked.push(tmplIds);
      const res = { errMsg: 'requestSubscribeMessage:ok' };
      tmplIds.forEach((id) => { res[id] = shim.subscribeAnswer; });
      setImmediate(() => success(res));
    },
    navigateToMiniProgram(opts) {
      shim.navigations.push({ type: 'miniprogram', appId: opts.appId, path: opts.path });
      setImmediate(() => opts.success && opts.success({}));
    },
    navigateTo(opts) {
      shim.navigations.push({ type: 'navigateTo', url: opts.url });
      setImmediate(() => opts.success && opts.success({}));
    },
    redirectTo(opts) { shim.navigations.push({ type: 'redirectTo', url: opts.url }); },
    switchTab(opts) { shim.navigations.push({ type: 'switchTab', url: opts.url }); },
    setClipboardData(opts) {
      shim.clipboard = opts.data;
      setImmediate(() => opts.success && opts.success({}));
    },
    setNavigationBarTitle() {},
    stopPullDownRefresh() {},
  };

  // Act as another WeChat user: own storage (token, drafts), own login codes.
  shim.switchUser = (name) => { shim.user = name; };
  shim.lastToast = () => shim.toasts[shim.toasts.length - 1];
  return { wx, shim };
}

module.exports = { createWx };
