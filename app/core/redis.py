"""The process's Redis client, when REDIS_URL is set: what several processes share goes through it.

Short timeouts, and a pause after a failure: a Redis that is down must cost a request a few milliseconds at most,
not a connect timeout each time (reads go on without it; see `redis_down`).
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache
from typing import Any

from fastapi import Depends

from app.core.config import Settings, SettingsDep, get_settings
from app.core.errors import Unavailable, raises

# After a failure Redis is not tried again for this long by the callers that can do without it.
RETRY_AFTER_FAILURE = 5.0

_down_until = 0.0
_down_lock = threading.Lock()


@lru_cache(maxsize=8)
def redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30)


def get_redis(settings: Settings | None = None) -> Any | None:
    """The shared client, or None when REDIS_URL is unset."""
    settings = settings or get_settings()
    return redis_client(settings.redis_url) if settings.redis_url else None


def redis_down() -> bool:
    """True for a few seconds after a failed call, so optional users skip Redis instead of waiting on it."""
    return time.monotonic() < _down_until


def mark_down() -> None:
    global _down_until
    with _down_lock:
        _down_until = time.monotonic() + RETRY_AFTER_FAILURE


def mark_up() -> None:
    global _down_until
    with _down_lock:
        _down_until = 0.0


def redis_reachable(settings: Settings) -> bool:
    client = get_redis(settings)
    if client is None:
        return True
    try:
        client.ping()
    except Exception:
        mark_down()
        return False
    mark_up()
    return True


@raises(503)
def require_redis(settings: SettingsDep) -> None:
    """For writes whose guarantees live in Redis across processes (logins, pushes): fail closed when it is down."""
    if not redis_reachable(settings):
        raise Unavailable("服务暂时不可用，请稍后再试", code="redis_unavailable")


RedisRequired = Depends(require_redis)
