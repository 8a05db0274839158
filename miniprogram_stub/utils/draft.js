// Drafts kept on the phone (wx storage) on every change, so that a form is never lost, even before the first save
// reaches the server or when the network is down.
function save(key, form) {
  wx.setStorageSync(key, { form, savedAt: new Date().toISOString() });
}

function load(key) {
  const saved = wx.getStorageSync(key);
  return saved && saved.form ? saved : null;
}

function clear(key) {
  wx.removeStorageSync(key);
}

module.exports = { save, load, clear };
