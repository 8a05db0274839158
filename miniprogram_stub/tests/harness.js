// Loads the mini-program's modules in Node: a `wx` shim pointed at a running server, `Page`/`App` that capture
// their options, and page instances whose setData works like the real one for the keys the pages use.
const path = require('node:path');
const { createWx } = require('./wx-shim.js');

const STUB = path.resolve(__dirname, '..');
const pages = new Map();

global.Page = (options) => { pages.set(global.__loadingPage, options); };
global.App = (options) => { global.__app = options; };

function setup(baseUrl) {
  const { wx, shim } = createWx();
  global.wx = wx;
  const config = require(path.join(STUB, 'config.js'));
  config.baseUrl = baseUrl;
  const client = require(path.join(STUB, 'utils', 'client.js'));
  client.reset();
  return { wx, shim, client, config };
}

// The page module's exports (its plain functions) and its Page() options.
function loadPage(name) {
  const file = path.join(STUB, 'pages', name, 'index.js');
  global.__loadingPage = file;
  const exports = require(file);
  global.__loadingPage = undefined;
  return { exports, options: pages.get(file) };
}

function setPath(target, key, value) {
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
  let obj = target;
  for (let i = 0; i < parts.length - 1; i += 1) {
    if (obj[parts[i]] === undefined || obj[parts[i]] === null) obj[parts[i]] = {};
    obj = obj[parts[i]];
  }
  obj[parts[parts.length - 1]] = value;
}

// A page instance as the runtime would make it: data copied, methods bound, setData merging (dotted keys too).
function instantiate(options) {
  const page = {};
  Object.keys(options).forEach((k) => {
    page[k] = typeof options[k] === 'function' ? options[k].bind(page) : options[k];
  });
  page.data = JSON.parse(JSON.stringify(options.data || {}));
  page.setData = (patch) => {
    Object.keys(patch).forEach((k) => setPath(page.data, k, patch[k]));
  };
  return page;
}

// Switches the client to another WeChat user (its own storage and token).
function actAs(ctx, name) {
  ctx.shim.switchUser(name);
  ctx.client.reset();
}

module.exports = { setup, loadPage, instantiate, actAs, STUB };
