// Opens a city's 科创云平台 the way /api/v1/cities says: another mini-program, our web-view page, or a link to copy.
// Resolves with what was done, so that pages and tests can tell.
function openCityPlatform(city) {
  const jump = (city && city.jump) || {};
  return new Promise((resolve) => {
    if (jump.type === 'miniprogram' && jump.app_id) {
      wx.navigateToMiniProgram({
        appId: jump.app_id,
        path: jump.path || '',
        success: () => resolve({ action: 'miniprogram', appId: jump.app_id, path: jump.path || '' }),
        // The user cancelled the confirm dialog, or the app could not be opened: offer the link instead.
        fail: () => resolve(copyLink(jump.url, city)),
      });
      return;
    }
    if (jump.type === 'webview' && jump.url) {
      const url = `/pages/webview/index?url=${encodeURIComponent(jump.url)}&title=${encodeURIComponent(city.platform_name || '')}`;
      wx.navigateTo({ url, success: () => resolve({ action: 'webview', url: jump.url }), fail: () => resolve(copyLink(jump.url, city)) });
      return;
    }
    resolve(copyLink(jump.url, city));
  });
}

function copyLink(url, city) {
  if (!url) {
    wx.showToast({ title: `${(city && city.name) || '该城市'}暂未开通线上平台`, icon: 'none' });
    return Promise.resolve({ action: 'none' });
  }
  return new Promise((resolve) => {
    wx.setClipboardData({
      data: url,
      success: () => {
        wx.showToast({ title: '链接已复制，请在浏览器中打开', icon: 'none' });
        resolve({ action: 'copy', url });
      },
      fail: () => resolve({ action: 'none' }),
    });
  });
}

module.exports = { openCityPlatform };
