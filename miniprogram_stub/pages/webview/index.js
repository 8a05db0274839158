// A city's H5 platform inside <web-view>; works only for domains verified in our mini-program's settings.
Page({
  data: { url: '' },
  onLoad(options) {
    this.setData({ url: decodeURIComponent(options.url || '') });
    if (options.title) wx.setNavigationBarTitle({ title: decodeURIComponent(options.title) });
  },
});
