"""Content check of member text before anyone else sees it (msgSecCheck v2 plus our own review).

`pass` goes on, `review` waits for staff, `risky` is refused. When WeChat cannot answer, the text is held for
review (fail closed): nothing is published unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from app.core.errors import Invalid
from app.members.models import Member


class Suggest(StrEnum):
    pass_ = "pass"
    review = "review"
    risky = "risky"


class RiskyContent(Invalid):
    code = "content_risky"
    message = "内容含有违规信息，请修改后再提交"


# The WeChat gateway installs the real check here (app/wechat); until then every text waits for staff review,
# which is the fail-closed answer.
_checker: Callable[[str, str], Suggest] | None = None


def install_checker(checker: Callable[[str, str], Suggest] | None) -> None:
    global _checker
    _checker = checker


def check_member_texts(member: Member, *texts: str) -> Suggest:
    """The strictest verdict over all texts of one submission; raises RiskyContent on `risky`."""
    verdict = Suggest.pass_
    for text in texts:
        if not text or not text.strip():
            continue
        result = _checker(member.openid, text) if _checker else Suggest.review
        if result is Suggest.risky:
            raise RiskyContent()
        if result is Suggest.review:
            verdict = Suggest.review
    return verdict
