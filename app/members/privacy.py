"""The privacy policy members consent to before anything personal is kept (个人信息保护法, 小程序隐私保护指引)."""

from __future__ import annotations

# Bump when the policy text changes: every member must consent again before their profile can be changed.
PRIVACY_POLICY_VERSION = "1.0"
PRIVACY_POLICY_SUMMARY = [
    "登录时我们通过微信获取您的 openid，仅用于识别您的账号，不向任何第三方展示。",
    "昵称、头像、手机号仅在您同意本政策后保存，手机号对外展示时会被遮盖（如 138****5678）。",
    "您提交的文字会经微信内容安全检测与人工审核后方可公开。",
    "您可随时退出登录；订阅消息仅在您每次授权后发送一次。",
]
