"""`python -m app.devserver`: the API on uvicorn for a laptop (`make run`).

Unless WECHAT_API_BASE_URL is set, a fake WeChat (app/wechat/fake.py) runs in a thread on an ephemeral loopback port
and the API talks to it, so that login works without credentials: any `wx.login` code logs in (see the fake's table
of marked codes and words). Production settings refuse a non-official WeChat base URL.
"""

from __future__ import annotations

import argparse
import os

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-fake-wechat", action="store_true", help="use WECHAT_API_BASE_URL as configured")
    args = parser.parse_args()
    fake = None
    if not args.no_fake_wechat and not os.environ.get("WECHAT_API_BASE_URL"):
        from app.core.config import get_settings
        from app.wechat.fake import FakeWeChatServer

        fake = FakeWeChatServer().start()
        os.environ["WECHAT_API_BASE_URL"] = fake.base_url
        get_settings.cache_clear()
        print(f"fake WeChat: {fake.base_url}")
    print(f"沿沪宁协同创新集市 API: http://{args.host}:{args.port}/docs")
    try:
        uvicorn.run("app.main:app", host=args.host, port=args.port, timeout_graceful_shutdown=10)
    finally:
        if fake is not None:
            fake.stop()


if __name__ == "__main__":
    main()
