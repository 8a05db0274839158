"""The content check backed by msgSecCheck v2: WeChat down, slow or refusing → `review` (fail closed)."""

from __future__ import annotations

import logging

from app.core.errors import AppError
from app.moderation.service import Suggest
from app.wechat.gateway import Scene, get_gateway

log = logging.getLogger(__name__)


def wechat_checker(openid: str, text: str, scene: int = Scene.forum) -> Suggest:
    try:
        verdict = get_gateway().msg_sec_check(openid, text, scene=scene)
    except AppError as exc:
        # Never publish unchecked: any failure holds the text for staff review.
        log.warning("content check unavailable (%s), holding for review", exc.code)
        return Suggest.review
    return Suggest(verdict)
