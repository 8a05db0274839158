"""Counting views for the "popular" sort, without a write per read.

A detail read used to be one conditional UPDATE and a commit: every anonymous read was a write (on SQLite, one at a
time under the write lock). Now each process adds the view to an in-memory tally and writes the tallies in batches
(`flush`, every `view_flush_seconds`, from a background task started with the app): one
`UPDATE … SET view_count = view_count + CASE id WHEN … END WHERE id IN (…)` per table and 500 ids.

- The answer a reader gets already counts their view: the stored count plus what this process has not written yet.
- Several processes each keep their own tally; the increments add up in the database, nothing is lost between them.
- A process that dies loses at most its last interval's views; a flush that fails keeps its tally for the next one.
- A view is counted only after the record was found public, so hidden and unknown ids count nothing.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

log = logging.getLogger(__name__)

P = TypeVar("P")

# Ids per UPDATE: well under SQLite's and psycopg's parameter limits.
CHUNK = 500


class ViewCounter:
    def __init__(self, max_pending: int = 200_000) -> None:
        self._lock = threading.Lock()
        self._pending: dict[Any, Counter[int]] = defaultdict(Counter)
        self._size = 0
        # A bound on memory if the database stays away: beyond it, views are dropped (and said so), not queued.
        self.max_pending = max_pending
        self.dropped = 0

    def add(self, table: Any, item_id: int) -> int:
        """Counts one view of `item_id` in `table` (a model class); returns the views this process still holds."""
        with self._lock:
            counts = self._pending[table]
            if item_id not in counts:
                if self._size >= self.max_pending:
                    self.dropped += 1
                    return 0
                self._size += 1
            counts[item_id] += 1
            return counts[item_id]

    def seen(self, table: Any, item: P) -> P:
        """`item` (a public schema with `id` and `view_count`) with this view counted in it."""
        pending = self.add(table, item.id)  # type: ignore[attr-defined]
        return item.model_copy(update={"view_count": item.view_count + pending})  # type: ignore[attr-defined]

    def pending(self) -> int:
        with self._lock:
            return sum(sum(c.values()) for c in self._pending.values())

    def _take(self) -> dict[Any, Counter[int]]:
        with self._lock:
            taken, self._pending, self._size = self._pending, defaultdict(Counter), 0
        return taken

    def _give_back(self, taken: dict[Any, Counter[int]]) -> None:
        with self._lock:
            for table, counts in taken.items():
                for item_id, n in counts.items():
                    if item_id not in self._pending[table]:
                        self._size += 1
                    self._pending[table][item_id] += n

    def flush(self, session: Session) -> int:
        """Writes the held views through `session` (the caller commits); returns how many views were written.

        One UPDATE per table and chunk of ids, each id's own increment in a CASE. Tables in name order and ids in
        ascending order: two processes flushing at once lock rows in the same order and cannot deadlock."""
        taken = self._take()
        written = 0
        try:
            for model in sorted(taken, key=lambda m: str(m.__tablename__)):
                counts = taken[model]
                for chunk in _chunks(sorted(counts), CHUNK):
                    increments = {item_id: counts[item_id] for item_id in chunk}
                    session.execute(
                        sa.update(model)
                        .where(model.id.in_(chunk))
                        .values(view_count=model.view_count + sa.case(increments, value=model.id, else_=0))
                        .execution_options(synchronize_session=False)
                    )
                    written += sum(increments.values())
        except BaseException:
            self._give_back(taken)
            raise
        return written

    def flush_to(self, engine: Engine) -> int:
        """One flush in its own transaction (the background task's); on failure the views wait for the next one."""
        with Session(engine.execution_options(sqlite_write=True)) as session:
            try:
                written = self.flush(session)
                session.commit()
            except SQLAlchemyError as exc:
                log.warning("views: could not write the view counts, keeping them for the next flush: %s", exc)
                return 0
        return written


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


async def flush_forever(counter: ViewCounter, engine: Engine, interval: float) -> None:
    """The app's background task: a flush every `interval` seconds, off the event loop. It never ends on an error:
    a task that died would leave the views to pile up unseen."""
    while True:
        await asyncio.sleep(interval)
        if counter.pending():
            try:
                await asyncio.to_thread(counter.flush_to, engine)
            except Exception:
                log.exception("views: flush failed; the views wait for the next one")


# Where a detail read leaves what it counted, for the response cache: an answer served again from the cache counts
# the same view again (app/core/cache.py). A detail that leaves nothing here is never cached.
COUNTED_VIEW = "counted_view"


class RequestViews:
    """The view counter as one request sees it."""

    def __init__(self, counter: ViewCounter, request: Request) -> None:
        self.counter = counter
        self.request = request

    def seen(self, table: Any, item: P) -> P:
        """`item` (a public schema with `id` and `view_count`) with this view counted in it."""
        setattr(self.request.state, COUNTED_VIEW, (table, item.id))  # type: ignore[attr-defined]
        return self.counter.seen(table, item)


async def get_views(request: Request) -> RequestViews:
    # async: a plain `def` dependency would cost each detail read a hop through the thread pool.
    return RequestViews(request.app.state.views, request)


ViewsDep = Annotated[RequestViews, Depends(get_views)]
