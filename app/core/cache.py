"""A response cache for anonymous public reads, with ETag / 304.

What it serves: `GET` answers (status 200) of the public read prefixes, to requests that carry no credentials
(no `Authorization`, `Cookie` or `X-Api-Key`); a request with credentials neither reads nor fills the cache, so a
member never gets what another one saw, and an anonymous visitor only ever gets what the anonymous request produced.
Answers that set a cookie or say `Cache-Control: private/no-store` are not kept. A detail (`…/<id>`) is kept only
when its endpoint counted a view through `app.core.views` (it says which in the request state): every answer served
from the cache counts that view again, so the "popular" sort sees every read. The view count inside a kept answer is
the one of the read that filled it (at most `ttl` seconds old, or until the next write); so is a demand's status
when its deadline passes meanwhile (an application is still refused: every write to a demand closes due ones first).
Details that count no view this way are never kept.

Invalidation: a version counter. Every write through the API (any non-GET/HEAD/OPTIONS answered below 400) bumps
it; an entry is served only while its version is current.
- With Redis (`REDIS_URL`): the counter lives in Redis (INCR), each process re-reads it at most every
  `check_interval` seconds (0.25 s), so a write is visible on every process within 1 s; entries live `ttl` seconds.
- Without Redis: the counter is per process and entries live at most `local_ttl` (1 s), so a write on another
  process is still visible everywhere within 1 s — correct, if with fewer hits.
Either way the process that wrote sees its write at once. Redis errors fall back to the local mode, never to a 500.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from app.core.middleware import ASGIApp, Message, Receive, Scope, Send
from app.core.views import COUNTED_VIEW, ViewCounter

log = logging.getLogger(__name__)

PUBLIC_PREFIXES = (
    "/api/v1/home",
    "/api/v1/dictionaries",
    "/api/v1/cities",
    "/api/v1/policy/",
    "/api/v1/resources/",
    "/api/v1/tech/",
    "/api/v1/finance/",
    "/api/v1/talent/",
    "/api/v1/showcase/",
    "/api/v1/cooperation/",
    "/api/v1/demands",
    "/api/v1/search",
)
# Details count their views (the "popular" sort): kept only with the view they count (see above).
DETAIL_PATH = re.compile(r"/\d+/?$")
CREDENTIAL_HEADERS = {b"authorization", b"cookie", b"x-api-key"}
WRITE_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
VERSION_KEY = "market:cache:version"


@dataclass
class Entry:
    body: bytes
    content_type: bytes
    etag: bytes
    version: int
    stored_at: float
    # (model, id) of the view a detail counts; counted again on every hit.
    view: tuple[Any, int] | None = None


class VersionSource:
    """The current version: Redis where configured (re-read every `check_interval` s), else a local counter."""

    def __init__(self, redis_url: str | None, check_interval: float = 0.25) -> None:
        self.local = 0
        self.shared = 0
        self.checked_at = 0.0
        self.check_interval = check_interval
        self.redis: Any = None
        if redis_url:
            import redis.asyncio as aioredis

            self.redis = aioredis.from_url(redis_url, socket_timeout=0.2, socket_connect_timeout=0.2)
        self.redis_ok = self.redis is not None

    @property
    def shared_mode(self) -> bool:
        return self.redis is not None and self.redis_ok

    async def current(self) -> int:
        if self.redis is not None and time.monotonic() - self.checked_at >= self.check_interval:
            self.checked_at = time.monotonic()
            try:
                value = await self.redis.get(VERSION_KEY)
                self.shared = int(value or 0)
                self.redis_ok = True
            except Exception as exc:  # any Redis trouble: local mode until it answers again
                if self.redis_ok:
                    log.warning("response cache: Redis unavailable, local mode: %s", exc)
                self.redis_ok = False
        return self.shared * 1_000_000 + self.local

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    async def bump(self) -> None:
        self.local += 1
        if self.redis is not None:
            try:
                self.shared = int(await self.redis.incr(VERSION_KEY))
                self.checked_at = time.monotonic()
                self.redis_ok = True
            except Exception as exc:
                log.warning("response cache: could not bump the shared version: %s", exc)
                self.redis_ok = False


def etag_for(body: bytes) -> bytes:
    return b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def _if_none_match(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    for name, value in headers:
        if name == b"if-none-match":
            return value
    return None


def _matches(header: bytes | None, etag: bytes) -> bool:
    if not header:
        return False
    tags = [t.strip() for t in header.split(b",")]
    bare = etag[2:] if etag.startswith(b"W/") else etag
    return b"*" in tags or any((t[2:] if t.startswith(b"W/") else t) == bare for t in tags)


class ResponseCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        redis_url: str | None = None,
        ttl: float = 60.0,
        local_ttl: float = 1.0,
        max_entries: int = 5000,
        max_body: int = 512 * 1024,
        check_interval: float = 0.25,
        enabled: bool = True,
        views: ViewCounter | None = None,
    ) -> None:
        self.app = app
        self.enabled = enabled
        self.views = views
        self.versions = VersionSource(redis_url, check_interval)
        self.ttl = ttl
        self.local_ttl = local_ttl
        self.max_entries = max_entries
        self.max_body = max_body
        self.entries: OrderedDict[bytes, Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in WRITE_SAFE_METHODS:
            await self._write(scope, receive, send)
            return
        path: str = scope["path"]
        headers = scope.get("headers", [])
        if (
            method != "GET"
            or not path.startswith(PUBLIC_PREFIXES)
            or (self.views is None and DETAIL_PATH.search(path))
            or any(name in CREDENTIAL_HEADERS for name, _ in headers)
        ):
            await self.app(scope, receive, send)
            return
        key = path.encode() + b"?" + scope.get("query_string", b"")
        version = await self.versions.current()
        entry = self.entries.get(key)
        if entry is not None and entry.version == version and time.monotonic() - entry.stored_at < self._ttl():
            self.entries.move_to_end(key)
            if entry.view is not None and self.views is not None:
                self.views.add(*entry.view)
            await self._answer(send, entry, _if_none_match(headers), b"hit")
            return
        await self._fill(scope, receive, send, key, version, _if_none_match(headers), bool(DETAIL_PATH.search(path)))

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watch() -> Message:
            message: Message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.versions.close()
            return message

        await self.app(scope, watch, send)

    def _ttl(self) -> float:
        return self.ttl if self.versions.shared_mode else self.local_ttl

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status < 400:
                    # Bump before the answer leaves, so the writer's next read is fresh; again after, for reads that
                    # raced with the commit.
                    await self.versions.bump()
            await send(message)

        await self.app(scope, receive, watch)
        if status < 400:
            await self.versions.bump()

    async def _answer(self, send: Send, entry: Entry, inm: bytes | None, state: bytes) -> None:
        if _matches(inm, entry.etag):
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", entry.etag), (b"x-cache", state)]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", entry.content_type),
                    (b"content-length", str(len(entry.body)).encode()),
                    (b"etag", entry.etag),
                    (b"cache-control", b"no-cache"),
                    (b"x-cache", state),
                ],
            }
        )
        await send({"type": "http.response.body", "body": entry.body})

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: bytes, version: int, inm: bytes | None, detail: bool
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        passthrough = False
        view: tuple[Any, int] | None = None
        # The request state's dict, made here so that it is shared with the endpoint even through a copied scope.
        state: dict[str, Any] = scope.setdefault("state", {})

        async def capture(message: Message) -> None:
            nonlocal start, passthrough, view
            if passthrough:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                keep = message["status"] == 200
                if detail:
                    # The endpoint has run: its counted view, if any, is in the request state.
                    view = state.get(COUNTED_VIEW)
                    keep = keep and view is not None
                for name, value in message.get("headers", []):
                    n = name.lower()
                    if n == b"set-cookie" or (n == b"cache-control" and (b"private" in value or b"no-store" in value)):
                        keep = False
                if not keep:
                    passthrough = True
                    await send(message)
                return
            chunks.append(message.get("body", b""))
            if sum(len(c) for c in chunks) > self.max_body:
                passthrough = True
                assert start is not None
                await send(start)
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"".join(chunks),
                        "more_body": message.get("more_body", False),
                    }
                )
                return
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            assert start is not None
            content_type = b"application/json"
            for name, value in start.get("headers", []):
                if name.lower() == b"content-type":
                    content_type = value
            entry = Entry(body, content_type, etag_for(body), version, time.monotonic(), view)
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
            await self._answer(send, entry, inm, b"miss")

        await self.app(scope, receive, capture)
