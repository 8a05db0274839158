"""SQL constructs shared by the bulk paths (push, search indexing, duplicate flags)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement


class OneOf(ColumnElement[bool]):
    """`column IN (…)` for a long list of values: on PostgreSQL `column = ANY(:array)`, one parameter.

    SQLAlchemy renders an IN list as one placeholder per value. At 500 values the statement text passes psycopg's
    4 kB limit for its cache of converted statements, so psycopg parses every such statement anew (a visible part of
    a push's time in the profile). An array is one placeholder: a short text, converted once and then cached."""

    type = sa.Boolean()
    # A comparison, not a boolean value: a WHERE takes it as it is (no "= 1" on SQLite, which would hide the index).
    _is_implicitly_boolean = True
    # The values live outside SQLAlchemy's cache key; a statement holding them is compiled at each execution (cheap
    # next to a bulk statement) rather than cached with the first call's values.
    inherit_cache = False

    def __init__(self, column: Any, values: Iterable[Any]) -> None:
        self.column = column
        self.values = list(values)


@compiles(OneOf)
def _one_of(element: OneOf, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.values), **kw))


@compiles(OneOf, "postgresql")
def _one_of_postgresql(element: OneOf, compiler: Any, **kw: Any) -> str:
    array = sa.bindparam(None, element.values, type_=ARRAY(element.column.type))
    return str(compiler.process(element.column == sa.any_(array), **kw))


def one_of(column: Any, values: Iterable[Any]) -> OneOf:
    return OneOf(column, values)
