"""`make eval`: precision@5 and recall@10 of the matcher beside a plain BM25 baseline, on a fresh database.

SQLite in a temporary directory by default; EVAL_DATABASE_URL=postgresql+psycopg://… runs it on PostgreSQL (that
database is dropped and re-created).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from sqlmodel import Session

from app.core.db import make_engine
from app.seed.reference import load_reference
from tests.conftest import migrate, recreate_postgres_database
from tests.eval.runner import evaluate, report


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("EVAL_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'eval.db'}"
        if url.startswith("postgresql"):
            recreate_postgres_database(url)
        migrate(url)
        engine = make_engine(url).execution_options(sqlite_write=True)
        with Session(engine) as session:
            load_reference(session)
            solvers, policies = evaluate(session)
            session.rollback()
        engine.dispose()
    print(
        f"matching evaluation on {url.split(':', 1)[0]} ({solvers.queries} demands, {policies.queries} organisations)"
    )
    print(report(solvers, policies))
    ok = solvers.matcher_p5 > solvers.bm25_p5 and solvers.matcher_r10 > solvers.bm25_r10
    print("matcher beats BM25" if ok else "MATCHER DOES NOT BEAT BM25")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
