const client = require('./utils/client.js');

App({
  globalData: { member: null },
  onLaunch() {
    // Browsing needs no login; log in quietly so that favourites and the inbox work at once. A failure is silent
    // here: the first call that needs a login tries again.
    client.login().then((res) => { this.globalData.member = res.member; }).catch(() => {});
  },
});
