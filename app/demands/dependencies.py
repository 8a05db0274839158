"""Dependencies and the transaction helper of the 揭榜挂帅 write endpoints.

Two rules keep a write endpoint from starving the pool or the thread pool under load:

- The member and the acting organisation are loaded through the read session, whose transaction ends right after
  (its connection goes back to the pool) before the endpoint takes its write connection: a request never holds two.
- The write transaction begins, and ends (commit or rollback), inside the endpoint call itself. FastAPI runs each
  sync dependency and the teardown in separate thread-pool hops; a write lock (SQLite) or row lock (PostgreSQL) kept
  until the teardown waits for a free thread while every thread waits for that lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.core.db import SessionDep
from app.orgs.dependencies import ActingOrg
from app.orgs.models import Organization


def get_writing_org(org: ActingOrg, session: SessionDep) -> Organization:
    """ActingOrg, with the read transaction ended (the loaded rows stay usable: expire_on_commit is off)."""
    _end(session)
    return org


WritingOrg = Annotated[Organization, Depends(get_writing_org)]


def _owned_by_caller(session: Session) -> bool:
    # Bound to a connection the caller opened (the test fixture's outer transaction): its owner ends it.
    return isinstance(session.bind, Connection)


def _end(session: Session) -> None:
    if not _owned_by_caller(session):
        session.commit()


@contextmanager
def transaction(session: Session) -> Iterator[None]:
    """Commits at the end of the block; on any error rolls back at once, in the same thread."""
    try:
        yield
    except BaseException:
        if not _owned_by_caller(session):
            session.rollback()
        raise
    session.commit()
