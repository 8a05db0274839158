"""Rate limits per IP, per member or staff token and per bureau key, shared by every process through Redis.

Counting every request in Redis would add a round trip to the cheapest path of all (anonymous browsing). Each
process counts locally and adds its count to the shared window counter in Redis at most every `sync_every` seconds,
or at once when the local view says the limit is reached; the decision uses the last shared total plus what this
process has not yet reported. Across N processes a limit can be overshot by at most what they serve in one sync
interval. Without Redis (or while it is down) each process enforces the limit alone.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from app.core import redis as shared

_MAX_KEYS = 50_000
# Wall-clock seconds (windows are aligned across processes); a module attribute so that tests can freeze it.
_clock = time.time


@dataclass
class _Window:
    number: int
    pending: int = 0
    shared: int = 0
    synced_at: float = 0.0


class RateLimiter:
    def __init__(self, redis_client: Any | None, *, sync_every: float = 0.2, prefix: str = "rl") -> None:
        self._redis = redis_client
        self._sync_every = sync_every
        self._prefix = prefix
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: int, cost: int = 1) -> float | None:
        """Counts `cost` against `key`; returns the seconds to wait when over `limit` in this window, else None."""
        if limit <= 0:
            return None
        now = _clock()
        number = int(now // window)
        with self._lock:
            entry = self._windows.get(key)
            if entry is None or entry.number != number:
                if len(self._windows) >= _MAX_KEYS:
                    self._windows = {k: w for k, w in self._windows.items() if w.number == number}
                entry = self._windows[key] = _Window(number)
            entry.pending += cost
            total = entry.shared + entry.pending
            since = now - entry.synced_at
            # Over the limit by the local view: confirm with the shared count, but not on every refused request.
            due = since >= self._sync_every or (total > limit and since >= 0.02)
            if self._redis is not None and due and not shared.redis_down():
                total = self._sync(key, entry, window, now)
            if total > limit:
                return max(1.0, math.ceil((number + 1) * window - now))
            return None

    def _sync(self, key: str, entry: _Window, window: int, now: float) -> int:
        name = f"{self._prefix}:{key}:{entry.number}"
        try:
            pipe = self._redis.pipeline()  # type: ignore[union-attr]
            pipe.incrby(name, entry.pending)
            pipe.expire(name, window * 2)
            entry.shared = int(pipe.execute()[0])
            entry.pending = 0
            shared.mark_up()
        except (RedisError, OSError):
            # Redis down: this process keeps counting alone until it is back.
            shared.mark_down()
            return entry.shared + entry.pending
        finally:
            entry.synced_at = now
        return entry.shared


def principal_key(token: str) -> str:
    """A short, non-reversible name for a bearer token or API key (never the token itself in Redis)."""
    return hashlib.sha256(token.encode()).hexdigest()[:24]
