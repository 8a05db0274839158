"""A push run in its own process, for the SIGKILL test: `python -m tests.push_worker URL KEY IDEM N MARKER`.

It writes MARKER once the batch's rows are written (but not committed) and then waits to be killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.bureaus import push as push_module
from app.bureaus import service
from app.bureaus.kinds import PushKind
from app.bureaus.push import PushRequest, run_push
from app.core.db import make_engine
from tests.push_helpers import resource_record


def main(url: str, key: str, idem: str, n: int, marker: str) -> None:
    def stall(session: Session, model: Any, ids: Any) -> None:
        session.flush()
        Path(marker).write_text(str(len(ids)))
        time.sleep(120)

    push_module.after_push_write = stall  # type: ignore[assignment]
    engine = make_engine(url).execution_options(sqlite_write=True)
    with Session(engine) as session:
        principal = service.authenticate(session, key)
        session.commit()
        body = PushRequest(records=[resource_record(i) for i in range(n)])
        run_push(session, principal, PushKind.resource, idem, body)
        session.commit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
