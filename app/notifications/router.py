from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query

from app.core.config import get_settings
from app.core.db import SessionDep, WriteSessionDep
from app.core.errors import Invalid, error_responses
from app.core.listing import Page
from app.core.schemas import ItemId
from app.members.dependencies import CurrentMember
from app.notifications import service
from app.notifications.schemas import (
    CreditList,
    CreditPublic,
    InboxQuery,
    MarkedRead,
    NotificationPublic,
    UnreadCount,
    WeChatGrants,
)

router = APIRouter(prefix="/me", tags=["notifications"], responses=error_responses(404))
_TEMPLATE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@router.get("/notifications", operation_id="notifications_list", summary="我的消息")
def list_notifications(
    member: CurrentMember, session: SessionDep, q: Annotated[InboxQuery, Query()]
) -> Page[NotificationPublic]:
    """站内消息，最新在前；可只看未读。"""
    rows, total = service.inbox(session, member.id, unread_only=q.unread_only, page=q.page, page_size=q.page_size)  # type: ignore[arg-type]
    return Page[NotificationPublic](
        items=[NotificationPublic.model_validate(r) for r in rows],
        total=total,
        page=q.page,
        page_size=q.page_size,
        has_more=q.page * q.page_size < total,
    )


@router.get("/notifications/unread-count", operation_id="notifications_unread_count", summary="未读消息数")
def unread_count(member: CurrentMember, session: SessionDep) -> UnreadCount:
    """未读站内消息的数量（用于角标）。"""
    return UnreadCount(unread=service.unread_count(session, member.id))  # type: ignore[arg-type]


@router.post("/notifications/read-all", operation_id="notifications_read_all", summary="全部标为已读")
def read_all(member: CurrentMember, session: WriteSessionDep) -> MarkedRead:
    """把本人全部未读消息标为已读，返回标记的条数。"""
    n = service.mark_all_read(session, member.id)  # type: ignore[arg-type]
    session.commit()
    return MarkedRead(updated=n)


@router.post("/notifications/{notification_id}/read", operation_id="notifications_read", summary="标为已读")
def read_one(notification_id: ItemId, member: CurrentMember, session: WriteSessionDep) -> NotificationPublic:
    """把一条本人的消息标为已读；他人的消息返回 404。"""
    note = service.mark_read(session, member.id, notification_id)  # type: ignore[arg-type]
    session.commit()
    return NotificationPublic.model_validate(note)


@router.post("/subscriptions/wechat-grants", operation_id="notifications_wechat_grants", summary="上报订阅消息授权结果")
def report_grants(body: WeChatGrants, member: CurrentMember, session: WriteSessionDep) -> CreditList:
    """小程序调用 wx.requestSubscribeMessage 后上报结果：每个 accept 允许发送一条该模板的订阅消息，reject/ban 清零。
    发送时消耗一次；微信返回 43101（未授权或已拒收）时清零，此后只发站内消息。"""
    bad = [k for k in body.results if not _TEMPLATE_ID.match(k)]
    if bad:
        raise Invalid("模板 ID 格式有误", code="template_id_invalid", detail={"template_ids": bad})
    service.record_grants(session, member.id, dict(body.results))  # type: ignore[arg-type]
    session.commit()
    return _credits(session, member.id)  # type: ignore[arg-type]


@router.get("/subscriptions/wechat-grants", operation_id="notifications_wechat_credits", summary="订阅消息余量")
def list_credits(member: CurrentMember, session: SessionDep) -> CreditList:
    """本人各订阅消息模板剩余可发送的条数，以及站内通知使用的模板 ID（小程序据此发起订阅）。"""
    return _credits(session, member.id)  # type: ignore[arg-type]


def _credits(session: SessionDep, member_id: int) -> CreditList:
    return CreditList(
        notice_template_id=get_settings().wechat_notice_template_id,
        items=[CreditPublic.model_validate(c) for c in service.credits(session, member_id)],
    )
