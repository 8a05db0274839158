"""The in-app inbox and WeChat subscribe messages.

`notify()` always puts a message in the inbox. When the member has a subscribe-message credit for the notice template
(each "accept" in `wx.requestSubscribeMessage` gives one), it spends that credit in the same transaction and marks the
message `push_status = pending`: a transactional outbox. After the commit, `deliver_pending()` sends it (started in a
background thread by the commit itself when the session is bound to an engine; also `python -m app.notifications
deliver`). 43101 (refused / no credit) zeroes the member's credits: from then on the inbox alone.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.core.config import get_settings
from app.core.errors import AppError, NotFound
from app.core.models import utcnow
from app.members.models import Member, OrgMembership
from app.notifications.models import Notification, SubscribeCredit

log = logging.getLogger(__name__)

OUTBOX_FLAG = "wechat_outbox"
CHINA = timezone(timedelta(hours=8))


class PushStatus:
    none = "none"
    pending = "pending"
    sending = "sending"
    sent = "sent"
    refused = "refused"
    failed = "failed"


def notify(
    session: Session, member_id: int, kind: str, title: str, body: str = "", link: str = "", *, push: bool = True
) -> Notification:
    """Puts a message in the member's inbox, inside the caller's transaction; spends a subscribe-message credit
    (if any, and unless push=False) so that the message also goes out by WeChat after the commit."""
    note = Notification(member_id=member_id, kind=kind, title=title[:100], body=body[:1000], link=link)
    template = get_settings().wechat_notice_template_id
    if push and spend_credit(session, member_id, template):
        note.push_status, note.push_template_id = PushStatus.pending, template
        session.info[OUTBOX_FLAG] = True
    session.add(note)
    return note


def org_member_ids(session: Session, org_id: int | None) -> list[int]:
    if org_id is None:
        return []
    return list(session.exec(select(OrgMembership.member_id).where(OrgMembership.org_id == org_id)).all())


def notify_org(session: Session, org_id: int | None, kind: str, title: str, body: str = "", link: str = "") -> None:
    """Every member of an organisation (the owner of a record, the poster of a demand) gets the message in the
    inbox; nothing for a record without an organisation."""
    for member_id in org_member_ids(session, org_id):
        notify(session, member_id, kind, title, body, link)


# -- credits -------------------------------------------------------------------------------------------------------


def spend_credit(session: Session, member_id: int, template_id: str) -> bool:
    result = session.exec(
        sa.update(SubscribeCredit)
        .where(
            col(SubscribeCredit.member_id) == member_id,
            col(SubscribeCredit.template_id) == template_id,
            col(SubscribeCredit.credits) > 0,
        )
        .values(credits=SubscribeCredit.credits - 1, updated_at=utcnow())
    )
    return result.rowcount == 1


def add_credit(session: Session, member_id: int, template_id: str, delta: int = 1) -> None:
    """One more allowed message (an "accept", or a refund of a message WeChat did not take)."""
    stmt = (
        sa.update(SubscribeCredit)
        .where(col(SubscribeCredit.member_id) == member_id, col(SubscribeCredit.template_id) == template_id)
        .values(credits=SubscribeCredit.credits + delta, updated_at=utcnow())
    )
    if session.exec(stmt).rowcount == 1:
        return
    try:
        with session.begin_nested():
            session.add(SubscribeCredit(member_id=member_id, template_id=template_id, credits=delta))
            session.flush()
    except IntegrityError:
        session.exec(stmt)


def zero_credits(session: Session, member_id: int, template_id: str) -> None:
    session.exec(
        sa.update(SubscribeCredit)
        .where(col(SubscribeCredit.member_id) == member_id, col(SubscribeCredit.template_id) == template_id)
        .values(credits=0, updated_at=utcnow())
    )


def record_grants(session: Session, member_id: int, grants: dict[str, str]) -> None:
    """What `wx.requestSubscribeMessage` answered: accept → one more credit; reject / ban → none left."""
    for template_id, answer in grants.items():
        if answer == "accept":
            add_credit(session, member_id, template_id)
        elif answer in ("reject", "ban"):
            zero_credits(session, member_id, template_id)


def credits(session: Session, member_id: int) -> list[SubscribeCredit]:
    return list(
        session.exec(
            select(SubscribeCredit)
            .where(SubscribeCredit.member_id == member_id)
            .order_by(col(SubscribeCredit.template_id))
        ).all()
    )


# -- inbox ---------------------------------------------------------------------------------------------------------


def inbox(session: Session, member_id: int, *, unread_only: bool, page: int, page_size: int) -> tuple[list[Any], int]:
    conds: list[Any] = [col(Notification.member_id) == member_id]
    if unread_only:
        conds.append(col(Notification.read_at).is_(None))
    total = session.exec(select(func.count()).select_from(Notification).where(*conds)).one()
    rows = session.exec(
        select(Notification)
        .where(*conds)
        .order_by(col(Notification.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return list(rows), total


def unread_count(session: Session, member_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.member_id) == member_id, col(Notification.read_at).is_(None))
    ).one()


def mark_read(session: Session, member_id: int, note_id: int) -> Notification:
    """Another member's message is a 404, and stays unread."""
    session.exec(
        sa.update(Notification)
        .where(
            col(Notification.id) == note_id,
            col(Notification.member_id) == member_id,
            col(Notification.read_at).is_(None),
        )
        .values(read_at=utcnow())
    )
    note = session.exec(
        select(Notification).where(col(Notification.id) == note_id, col(Notification.member_id) == member_id)
    ).first()
    if note is None:
        raise NotFound("消息不存在", code="notification_not_found")
    session.refresh(note)
    return note


def mark_all_read(session: Session, member_id: int) -> int:
    result = session.exec(
        sa.update(Notification)
        .where(col(Notification.member_id) == member_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount)


# -- the outbox: subscribe messages after the commit ----------------------------------------------------------------


def template_data(note: Notification) -> dict[str, str]:
    """The notice template's fields within WeChat's rules (thing ≤ 20 characters), else 47003."""
    return {
        "thing1": note.title[:20] or "新消息",
        "thing2": (note.body or "点击查看详情")[:20],
        "time3": note.created_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
    }


def deliver_pending(session: Session, gateway: Any, *, limit: int = 100) -> dict[str, int]:
    """Sends the pending subscribe messages. A worker, not a request service: it commits after claiming each
    message (pending → sending, one conditional UPDATE, so two workers never send one message twice) and after
    recording the outcome. Refused (43101) zeroes the credits; a message WeChat did not take gives its credit back."""
    from app.wechat.errors import SubscribeRefused

    counts = {PushStatus.sent: 0, PushStatus.refused: 0, PushStatus.failed: 0}
    ids = list(
        session.exec(
            select(Notification.id)
            .where(Notification.push_status == PushStatus.pending)
            .order_by(col(Notification.id))
            .limit(limit)
        ).all()
    )
    session.commit()
    for note_id in ids:
        claimed = session.exec(
            sa.update(Notification)
            .where(col(Notification.id) == note_id, col(Notification.push_status) == PushStatus.pending)
            .values(push_status=PushStatus.sending)
        )
        session.commit()
        if claimed.rowcount != 1:
            continue
        row = session.exec(
            select(Notification, Member.openid)
            .join(Member, col(Member.id) == col(Notification.member_id))
            .where(col(Notification.id) == note_id)
        ).one()
        note, openid = row
        session.commit()
        outcome = PushStatus.sent
        try:
            gateway.send_subscribe_message(
                openid, note.push_template_id, template_data(note), page=f"pages/my/inbox?id={note.id}"
            )
        except SubscribeRefused:
            outcome = PushStatus.refused
            zero_credits(session, note.member_id, note.push_template_id)
        except AppError as exc:
            outcome = PushStatus.failed
            log.warning("subscribe message %s not sent: %s", note_id, exc.code)
            add_credit(session, note.member_id, note.push_template_id)
        session.exec(sa.update(Notification).where(col(Notification.id) == note_id).values(push_status=outcome))
        session.commit()
        counts[outcome] += 1
    return counts


_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wechat-outbox")


def _deliver_in_background(engine: Engine) -> None:
    from app.wechat.gateway import get_gateway

    try:
        with Session(engine.execution_options(sqlite_write=True), expire_on_commit=False) as session:
            deliver_pending(session, get_gateway())
    except Exception:
        log.exception("subscribe-message delivery failed")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Any) -> None:
    if not session.info.pop(OUTBOX_FLAG, False):
        return
    bind = session.get_bind()
    # A session on a connection (tests' outer transaction) delivers by calling deliver_pending itself.
    if isinstance(bind, Engine):
        _executor.submit(_deliver_in_background, bind)
