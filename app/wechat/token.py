"""Where the app-wide access token lives.

WeChat's access token is global to the app. `cgi-bin/stable_token` (without force_refresh) hands out the same token
for its whole validity, so several processes never invalidate one another; still, one process fetches and the others
read: with REDIS_URL the token is kept in Redis and refreshed by the one holder of a Redis lock, otherwise in this
process under a thread lock. If Redis fails, the process falls back to its own copy (safe with stable_token).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from app.wechat.errors import WeChatUnavailable

log = logging.getLogger(__name__)

# A token is used until this many seconds before WeChat's expiry, so that no call carries one that dies in flight.
EXPIRY_MARGIN = 300
Fetch = Callable[[], tuple[str, int]]


def _lifetime(expires_in: int) -> int:
    return max(60, int(expires_in) - EXPIRY_MARGIN)


class TokenStore(Protocol):
    def obtain(self, fetch: Fetch) -> str: ...

    def invalidate(self, token: str) -> None: ...


class MemoryTokenStore:
    """One process: a cached token and a lock, so that concurrent requests fetch it once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: str | None = None
        self._until = 0.0

    def obtain(self, fetch: Fetch) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._until:
                return self._token
            token, expires_in = fetch()
            self._token, self._until = token, time.monotonic() + _lifetime(expires_in)
            return token

    def invalidate(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None


_COMPARE_AND_DELETE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisTokenStore:
    """Several processes: the token in Redis, refreshed only by the holder of a Redis lock."""

    def __init__(self, client: Any, app_id: str, *, lock_timeout: float = 10.0, wait: float = 6.0) -> None:
        self._redis = client
        self._key = f"wechat:access_token:{app_id}"
        self._lock_key = f"wechat:access_token:{app_id}:lock"
        self._lock_timeout = lock_timeout
        self._wait = wait
        self._fallback = MemoryTokenStore()

    def obtain(self, fetch: Fetch) -> str:
        import redis

        try:
            token = self._redis.get(self._key)
            if token:
                return str(token.decode() if isinstance(token, bytes) else token)
            lock = self._redis.lock(self._lock_key, timeout=self._lock_timeout, blocking_timeout=self._wait)
            if not lock.acquire():
                raise WeChatUnavailable(detail={"reason": "token_lock_timeout"})
            try:
                # Another process may have refreshed it while we waited for the lock.
                token = self._redis.get(self._key)
                if token:
                    return str(token.decode() if isinstance(token, bytes) else token)
                value, expires_in = fetch()
                self._redis.set(self._key, value, ex=_lifetime(expires_in))
                return value
            finally:
                try:
                    lock.release()
                except redis.exceptions.LockError:
                    log.warning("access token lock expired before release")
        except redis.exceptions.RedisError as exc:
            log.warning("Redis unavailable for the WeChat access token, using this process's copy: %s", exc)
            return self._fallback.obtain(fetch)

    def invalidate(self, token: str) -> None:
        import redis

        self._fallback.invalidate(token)
        try:
            self._redis.eval(_COMPARE_AND_DELETE, 1, self._key, token)
        except redis.exceptions.RedisError as exc:
            log.warning("could not invalidate the WeChat access token in Redis: %s", exc)


def store_for(redis_url: str | None, app_id: str) -> TokenStore:
    if not redis_url:
        return MemoryTokenStore()
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1.0, socket_timeout=2.0)
    return RedisTokenStore(client, app_id)
