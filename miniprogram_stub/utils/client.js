// The one wx.request wrapper of the mini-program: base URL, our token, login (wx.login → /auth/login) with one
// silent re-login on 401, statusCode always read (wx.request calls `success` for every HTTP status), the server's
// error shape {code, message, detail} turned into a Chinese toast, uploads through wx.uploadFile (whose res.data is
// a string) and subscribe-message grants reported to the API after wx.requestSubscribeMessage.
const config = require('../config.js');
const { ROUTES } = require('./routes.js');

const TOKEN_KEY = 'market_token';

const state = { token: null, loginPromise: null };

class ApiError extends Error {
  constructor(statusCode, code, message, detail) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.detail = detail === undefined ? null : detail;
  }
}

const STATUS_MESSAGES = {
  400: '请求有误',
  401: '请先登录',
  403: '无权进行此操作',
  404: '内容不存在或已下线',
  409: '操作与当前状态冲突',
  413: '提交的内容过大',
  422: '提交的内容有误',
  429: '请求过于频繁，请稍后再试',
};

function baseUrl() {
  return (config.baseUrl || '').replace(/\/$/, '');
}

function setBaseUrl(url) {
  config.baseUrl = url;
}

function getToken() {
  if (state.token === null) {
    try {
      state.token = wx.getStorageSync(TOKEN_KEY) || '';
    } catch (e) {
      state.token = '';
    }
  }
  return state.token;
}

function setToken(token) {
  state.token = token || '';
  if (token) wx.setStorageSync(TOKEN_KEY, token);
  else wx.removeStorageSync(TOKEN_KEY);
}

function fillPath(path, params) {
  return path.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params && params[name];
    if (value === undefined || value === null || value === '') throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query) {
  if (!query) return '';
  const parts = [];
  Object.keys(query).forEach((key) => {
    const value = query[key];
    if (value === undefined || value === null || value === '') return;
    (Array.isArray(value) ? value : [value]).forEach((v) => {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
    });
  });
  return parts.length ? `?${parts.join('&')}` : '';
}

function parseBody(data) {
  if (typeof data !== 'string') return data;
  if (!data) return null;
  try {
    return JSON.parse(data);
  } catch (e) {
    return data;
  }
}

// Any non-2xx answer as an ApiError carrying the server's Chinese message (or one chosen by status).
function errorFrom(statusCode, data) {
  const body = parseBody(data);
  if (body && typeof body === 'object' && typeof body.code === 'string' && typeof body.message === 'string') {
    return new ApiError(statusCode, body.code, body.message, body.detail);
  }
  const message = STATUS_MESSAGES[statusCode] || (statusCode >= 500 ? '服务器开小差了，请稍后再试' : `请求未能完成（${statusCode}）`);
  return new ApiError(statusCode, `http_${statusCode}`, message, null);
}

function networkError(err) {
  const text = (err && err.errMsg) || '';
  if (/timeout/i.test(text)) return new ApiError(0, 'timeout', '网络超时，请稍后再试', null);
  return new ApiError(0, 'network_error', '网络不可用，请检查网络后重试', null);
}

function showError(err) {
  const message = err instanceof ApiError ? err.message : '出错了，请稍后再试';
  wx.showToast({ title: message, icon: 'none', duration: 2500 });
}

function wxRequest(options) {
  return new Promise((resolve, reject) => {
    wx.request({
      ...options,
      timeout: config.requestTimeoutMs,
      success: resolve,
      fail: (err) => reject(networkError(err)),
    });
  });
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code) : reject(new ApiError(0, 'wx_login_failed', '微信登录失败，请重试', null))),
      fail: () => reject(new ApiError(0, 'wx_login_failed', '微信登录失败，请重试', null)),
    });
  });
}

function loginBody(code, extra) {
  return { code, ...(extra || {}) };
}

// What wx.requestSubscribeMessage answered, per template: accept | reject | ban | filter.
function subscribeGrantBody(answers) {
  return { results: answers };
}

// wx.login → our token. Concurrent callers share one login; a code is used once and never retried.
function login(extra) {
  if (!state.loginPromise) {
    state.loginPromise = (async () => {
      const code = await wxLoginCode();
      const res = await call('members_login', { body: loginBody(code, extra), toast: false });
      setToken(res.access_token);
      return res;
    })();
    state.loginPromise.then(
      () => { state.loginPromise = null; },
      () => { state.loginPromise = null; },
    );
  }
  return state.loginPromise;
}

function logout() {
  setToken('');
}

function route(name) {
  const r = ROUTES[name];
  if (!r) throw new Error(`unknown API operation ${name}`);
  return r;
}

function authHeader(r) {
  const token = r.auth === 'none' ? '' : getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function send(r, url, body) {
  const header = { ...authHeader(r) };
  if (body !== undefined) header['Content-Type'] = 'application/json';
  return wxRequest({ url, method: r.method, data: body, header, dataType: 'json' });
}

// Calls one operation of ROUTES. Resolves with the parsed body (null for 204); rejects with ApiError after showing
// its message as a toast (unless toast: false).
async function call(name, { params, query, body, toast = true } = {}) {
  const r = route(name);
  const url = baseUrl() + fillPath(r.path, params) + queryString(query);
  try {
    if (r.auth === 'required' && !getToken()) await login();
    let res = await send(r, url, body);
    if (res.statusCode === 401 && r.auth !== 'none') {
      // The token expired or was revoked: log in again silently, once, and repeat the request.
      setToken('');
      await login();
      res = await send(r, url, body);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      return res.statusCode === 204 ? null : parseBody(res.data);
    }
    throw errorFrom(res.statusCode, res.data);
  } catch (err) {
    if (toast) showError(err);
    throw err;
  }
}

function wxUpload(url, filePath, formData) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url,
      filePath,
      name: 'file',
      formData,
      header: authHeader(ROUTES.upload_create),
      timeout: config.requestTimeoutMs,
      success: resolve,
      fail: (err) => reject(networkError(err)),
    });
  });
}

// One file per call (wx.uploadFile); kind 'image' or 'attachment'. Resolves with the server's UploadPublic.
async function upload(filePath, { kind = 'attachment', visibility = 'private', toast = true } = {}) {
  const url = baseUrl() + ROUTES.upload_create.path;
  const formData = { kind, visibility };
  try {
    if (!getToken()) await login();
    let res = await wxUpload(url, filePath, formData);
    if (res.statusCode === 401) {
      setToken('');
      await login();
      res = await wxUpload(url, filePath, formData);
    }
    // wx.uploadFile gives res.data as a string, whatever the answer's Content-Type.
    if (res.statusCode === 201 || res.statusCode === 200) return parseBody(res.data);
    throw errorFrom(res.statusCode, res.data);
  } catch (err) {
    if (toast) showError(err);
    throw err;
  }
}

// Asks the user for subscribe-message grants (must follow a tap) and reports every answer to the API: each accept
// allows one message of that template, a reject or ban clears it. Resolves with the accepted template ids ([] when
// none or on failure: the inbox still gets every message).
const SUBSCRIBE_ANSWERS = ['accept', 'reject', 'ban', 'filter'];

function requestSubscribe(templateIds) {
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: templateIds,
      success: (res) => resolve(res || {}),
      fail: () => resolve({}),
    });
  }).then(async (res) => {
    const answers = {};
    templateIds.forEach((id) => { if (SUBSCRIBE_ANSWERS.includes(res[id])) answers[id] = res[id]; });
    if (!Object.keys(answers).length) return [];
    await call('notifications_wechat_grants', { body: subscribeGrantBody(answers), toast: false });
    return templateIds.filter((id) => answers[id] === 'accept');
  }).catch(() => []);
}

// An absolute URL for a path the API returned (e.g. an upload's `url`), for <image src> or wx.downloadFile.
function absoluteUrl(path) {
  return /^https?:\/\//.test(path) ? path : baseUrl() + path;
}

function reset() {
  state.token = null;
  state.loginPromise = null;
}

module.exports = {
  ApiError,
  call,
  login,
  logout,
  upload,
  requestSubscribe,
  absoluteUrl,
  getToken,
  setToken,
  setBaseUrl,
  errorFrom,
  reset,
  loginBody,
  subscribeGrantBody,
};
