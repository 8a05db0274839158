"""`app.core.sql.one_of`: the rows of an IN list, as one array parameter on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.boards.policy.models import Policy
from app.core.sql import one_of
from tests import factories


class TestOneOf:
    def test_selects_what_in_selects(self, session: Session) -> None:
        ids = [factories.policy(session, title=f"政策{n}").id for n in range(5)]
        session.flush()
        t = Policy.__table__  # type: ignore[attr-defined]
        for wanted in ([ids[0]], ids[1:4], [*ids, 10**9], []):
            got = session.execute(sa.select(t.c.id).where(one_of(t.c.id, wanted))).scalars().all()
            assert sorted(got) == sorted(i for i in wanted if i in ids)
        rest = session.execute(sa.select(t.c.id).where(t.c.id.in_(ids), sa.not_(one_of(t.c.id, ids[:2])))).scalars()
        assert sorted(rest) == sorted(ids[2:])

    def test_postgresql_statement_text_does_not_grow_with_the_list(self) -> None:
        t = Policy.__table__  # type: ignore[attr-defined]
        short, long = (
            str(sa.select(t.c.id).where(one_of(t.c.source_id, [str(n) for n in range(k)])).compile(dialect=d))
            for k, d in ((2, postgresql.dialect()), (500, postgresql.dialect()))
        )
        assert short == long and "ANY" in long
        # Elsewhere an IN list, expanded at execution, and a plain comparison in the WHERE (no "= 1").
        on_sqlite = str(sa.select(t.c.id).where(one_of(t.c.id, [1, 2])).compile(dialect=sqlite.dialect()))
        assert " IN (" in on_sqlite and "= 1" not in on_sqlite
