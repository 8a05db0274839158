"""Content check of member text before anyone else sees it (msgSecCheck v2 plus our own review).

`pass` goes on, `review` waits for staff, `risky` is refused. When WeChat cannot answer, the text is held for
review (fail closed): nothing is published unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from app.core.errors import AppError, Invalid
from app.core.ratelimit import RateLimiter
from app.members.models import Member


class Suggest(StrEnum):
    pass_ = "pass"
    review = "review"
    risky = "risky"


class RiskyContent(Invalid):
    code = "content_risky"
    message = "内容含有违规信息，请修改后再提交"


# None: the msgSecCheck v2 check of the WeChat gateway (app/wechat/moderation.py), which answers `review` whenever
# WeChat cannot answer (fail closed). Tests may install another checker; installing None restores WeChat's.
_checker: Callable[[str, str], Suggest] | None = None


class ContentCheckQuota(AppError):
    status_code = 429
    code = "content_check_quota"
    message = "今日提交的内容已达上限，请明天再试"


# Each app installs its own (create_app): a limiter shared through Redis and the daily number of texts per member.
_quota: tuple[RateLimiter, int] | None = None


def install_quota(limiter: RateLimiter | None, per_day: int = 0) -> None:
    global _quota
    _quota = (limiter, per_day) if limiter is not None else None


def install_checker(checker: Callable[[str, str], Suggest] | None) -> None:
    global _checker
    _checker = checker


def _wechat_check(openid: str, text: str) -> Suggest:
    from app.wechat.moderation import wechat_checker

    return wechat_checker(openid, text)


def check_member_texts(member: Member, *texts: str) -> Suggest:
    """The strictest verdict over all texts of one submission; raises RiskyContent on `risky`."""
    verdict = Suggest.pass_
    present = [t for t in texts if t and t.strip()]
    if _quota is not None and present:
        limiter, per_day = _quota
        # msgSecCheck has a daily quota of its own: one member must not spend everybody's.
        if limiter.hit(f"modcheck:{member.id}", per_day, 86400, cost=len(present)) is not None:
            raise ContentCheckQuota()
    for text in texts:
        if not text or not text.strip():
            continue
        result = (_checker or _wechat_check)(member.openid, text)
        if result is Suggest.risky:
            raise RiskyContent()
        if result is Suggest.review:
            verdict = Suggest.review
    return verdict
