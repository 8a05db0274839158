"""A circuit breaker in front of WeChat, shared by every process through Redis.

After `threshold` consecutive transport failures (timeout, refused, HTTP error, garbage) the breaker opens for
`open_for` seconds: every call fails at once with 503 instead of making a member wait five seconds for a WeChat that
is down. One success closes the count. Without Redis (or while it is down) each process keeps its own breaker.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from redis.exceptions import RedisError

from app.core import redis as shared
from app.wechat.errors import WeChatUnavailable


class Breaker:
    def __init__(self, redis_client: Any | None, *, threshold: int = 5, open_for: float = 30.0, name: str = "wechat"):
        self._redis = redis_client
        self.threshold = threshold
        self.open_for = open_for
        self._count_key = f"breaker:{name}:failures"
        self._open_key = f"breaker:{name}:open"
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0

    def _shared(self) -> Any | None:
        return None if self._redis is None or shared.redis_down() else self._redis

    def check(self) -> None:
        """Raises at once while the breaker is open."""
        if time.monotonic() < self._open_until:
            raise WeChatUnavailable(detail={"reason": "breaker_open"})
        client = self._shared()
        if client is not None:
            try:
                ttl = client.pttl(self._open_key)
            except (RedisError, OSError):
                shared.mark_down()
                return
            if ttl and ttl > 0:
                # Remember it locally too: the next calls of this process need not ask Redis.
                self._open_until = time.monotonic() + ttl / 1000
                raise WeChatUnavailable(detail={"reason": "breaker_open"})

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            count = self._failures
        client = self._shared()
        if client is not None:
            try:
                pipe = client.pipeline()
                pipe.incr(self._count_key)
                pipe.expire(self._count_key, int(self.open_for * 4))
                count = int(pipe.execute()[0])
                if count >= self.threshold:
                    client.set(self._open_key, "1", px=int(self.open_for * 1000))
                    client.delete(self._count_key)
            except (RedisError, OSError):
                shared.mark_down()
        if count >= self.threshold:
            with self._lock:
                self._failures = 0
                self._open_until = time.monotonic() + self.open_for

    def success(self) -> None:
        with self._lock:
            had_failures, self._failures = self._failures > 0, 0
        client = self._shared()
        if client is not None and had_failures:
            try:
                client.delete(self._count_key)
            except (RedisError, OSError):
                shared.mark_down()
