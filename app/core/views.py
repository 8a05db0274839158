"""Counting views for the "popular" sort."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.core.errors import NotFound


def count_view(session: Session, model: Any, item_id: int, *public: Any) -> None:
    """One conditional UPDATE: counts the view and, by its row count, tells whether the item is public."""
    result = session.exec(sa.update(model).where(model.id == item_id, *public).values(view_count=model.view_count + 1))
    if result.rowcount == 0:
        raise NotFound()
