"""The WeChat gateway: every call to WeChat's servers goes through `app.wechat.gateway`; nothing bypasses it."""
