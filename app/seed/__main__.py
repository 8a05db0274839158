"""`python -m app.seed`: loads the reference data and the demo data into DATABASE_URL. Running it twice adds nothing."""

from __future__ import annotations

from sqlmodel import Session

import app.all_models  # every table, so that foreign keys between domains resolve
import app.search  # noqa: F401  (keeps the search index right while seeding)
from app.core.db import get_engine
from app.seed.demo import load_demo
from app.seed.reference import load_reference


def main() -> None:
    engine = get_engine().execution_options(sqlite_write=True)
    with Session(engine) as session:
        load_reference(session)
        added = load_demo(session)
        session.commit()
    print(f"reference data loaded; demo records added: {added}")


if __name__ == "__main__":
    main()
