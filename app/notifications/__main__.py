"""`python -m app.notifications deliver`: sends the pending WeChat subscribe messages (the outbox), e.g. from cron
after a restart; the API sends them right after each commit on its own."""

from __future__ import annotations

import sys

from sqlmodel import Session

from app.all_models import metadata  # noqa: F401
from app.core.db import get_engine
from app.notifications.service import deliver_pending
from app.wechat.gateway import get_gateway


def main(argv: list[str]) -> int:
    if argv != ["deliver"]:
        print("usage: python -m app.notifications deliver", file=sys.stderr)
        return 2
    with Session(get_engine().execution_options(sqlite_write=True), expire_on_commit=False) as session:
        print(deliver_pending(session, get_gateway()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
