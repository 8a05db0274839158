from __future__ import annotations

from sqlmodel import Session

from app.notifications.models import Notification


def notify(session: Session, member_id: int, kind: str, title: str, body: str = "", link: str = "") -> Notification:
    """Puts a message in the member's inbox, inside the caller's transaction."""
    note = Notification(member_id=member_id, kind=kind, title=title[:100], body=body[:1000], link=link)
    session.add(note)
    return note
