// Where the API is. The test shim replaces baseUrl with the server it starts; a real build sets the HTTPS domain
// that is registered as a request domain in the mini-program's settings.
module.exports = {
  baseUrl: 'http://127.0.0.1:8000',
  // Subscribe-message templates (ids from the WeChat console), asked for after 发榜 / 揭榜.
  subscribeTemplates: {
    demandReviewed: 'TMPL_DEMAND_REVIEWED',
    applicationReceived: 'TMPL_APPLICATION_RECEIVED',
    applicationResult: 'TMPL_APPLICATION_RESULT',
  },
  requestTimeoutMs: 15000,
};
