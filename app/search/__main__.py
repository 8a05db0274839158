"""`python -m app.search reindex`: rebuild the search index of DATABASE_URL from every indexed table.
`python -m app.search expire`: drop the jobs that closed by their date (daily, after midnight China time)."""

from __future__ import annotations

import argparse
import time

from sqlmodel import Session

from app.core.db import get_engine
from app.search.indexer import reindex_all, remove_closed_jobs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.search", description="搜索索引维护")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("reindex", help="清空并重建搜索索引")
    sub.add_parser("expire", help="从索引中移除已过截止日期的招聘岗位（每日凌晨运行）")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    engine = get_engine().execution_options(sqlite_write=True)
    with Session(engine) as session:
        if args.command == "expire":
            removed = remove_closed_jobs(session)
            session.commit()
            print(f"closed jobs removed from the search index: {removed}")
            return
        count = reindex_all(session)
        session.commit()
    print(f"search index rebuilt: {count} records in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
