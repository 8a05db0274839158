"""我的: favourites of any board item, subscriptions to keywords / industries / cities, and the inbox items a new
public policy or demand puts in front of the members whose subscriptions it matches.

For other domains: call `notify_subscribers()` (or `announce_policy()`) inside the transaction that makes an item
public; it never commits and never sends WeChat messages (inbox only: subscribe-message credits are kept for the
member's own business).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.core.errors import Conflict, Invalid, NotFound
from app.core.listing import to_page
from app.core.schemas import CityCode
from app.members.models import Member
from app.members.service import require_consent
from app.my.boards import BOARDS, BoardKind
from app.my.models import Favorite, InterestKind, InterestSubscription
from app.my.schemas import FavoritePublic, FavoriteQuery, InterestCreate, InterestPublic
from app.notifications.models import Notification
from app.notifications.service import notify
from app.taxonomy.models import Industry

MAX_INTERESTS = 30
KIND_LABELS = {"policy": "政策", "demand": "榜单"}
CITY_NAMES = {
    "putuo": "上海普陀",
    "nanjing": "南京",
    "wuxi": "无锡",
    "changzhou": "常州",
    "suzhou": "苏州",
    "nantong": "南通",
    "zhenjiang": "镇江",
    "taizhou": "泰州",
}


# -- favourites ----------------------------------------------------------------------------------------------------


def add_favorite(session: Session, member: Member, board: BoardKind, item_id: int) -> Favorite:
    """Only a public item can be kept; keeping it twice returns the first favourite."""
    require_consent(member)
    spec = BOARDS[board]
    exists = session.exec(select(spec.model.id).where(spec.model.id == item_id, *spec.public())).first()
    if exists is None:
        raise NotFound("内容不存在或已下线", code="item_not_found")
    stmt = select(Favorite).where(
        Favorite.member_id == member.id, Favorite.board == board.value, Favorite.item_id == item_id
    )
    found = session.exec(stmt).first()
    if found is not None:
        return found
    fav = Favorite(member_id=member.id, board=board.value, item_id=item_id)  # type: ignore[arg-type]
    try:
        with session.begin_nested():
            session.add(fav)
            session.flush()
    except IntegrityError:
        return session.exec(stmt).one()
    return fav


def _views(session: Session, favs: list[Favorite]) -> list[FavoritePublic]:
    by_board: dict[str, list[int]] = {}
    for f in favs:
        by_board.setdefault(f.board, []).append(f.item_id)
    found: dict[tuple[str, int], tuple[str, str | None, bool]] = {}
    for board, ids in by_board.items():
        spec = BOARDS[BoardKind(board)]
        public_ids = set(session.exec(select(spec.model.id).where(col(spec.model.id).in_(ids), *spec.public())).all())
        title_col = getattr(spec.model, spec.title)
        for item_id, title, city in session.exec(
            select(spec.model.id, title_col, spec.model.city_code).where(col(spec.model.id).in_(ids))
        ).all():
            found[(board, item_id)] = (title, city, item_id in public_ids)
    out = []
    for f in favs:
        title, city, available = found.get((f.board, f.item_id), ("（已删除）", None, False))
        # What is no longer public shows no title: it may have been withdrawn for a reason.
        out.append(
            FavoritePublic(
                id=f.id,
                board=BoardKind(f.board),
                item_id=f.item_id,
                title=title if available else "（已下线）",
                city_code=city if available else None,
                available=available,
                created_at=f.created_at,
            )
        )
    return out


def favorite_view(session: Session, fav: Favorite) -> FavoritePublic:
    return _views(session, [fav])[0]


def list_favorites(session: Session, member: Member, q: FavoriteQuery) -> dict[str, Any]:
    conds: list[Any] = [col(Favorite.member_id) == member.id]
    if q.board:
        conds.append(col(Favorite.board) == q.board.value)
    if q.item_id:
        conds.append(col(Favorite.item_id) == q.item_id)
    total = session.exec(select(func.count()).select_from(Favorite).where(*conds)).one()
    rows = session.exec(
        select(Favorite)
        .where(*conds)
        .order_by(col(Favorite.id).desc())
        .offset((q.page - 1) * q.page_size)
        .limit(q.page_size)
    ).all()
    return to_page(_views(session, list(rows)), total, q)  # type: ignore[arg-type]


def remove_favorite(session: Session, member: Member, favorite_id: int) -> None:
    result = session.exec(
        sa.delete(Favorite).where(col(Favorite.id) == favorite_id, col(Favorite.member_id) == member.id)
    )
    if result.rowcount != 1:
        raise NotFound("收藏不存在", code="favorite_not_found")


# -- subscriptions to keywords, industries, cities -----------------------------------------------------------------


def add_interest(session: Session, member: Member, data: InterestCreate) -> InterestSubscription:
    require_consent(member)
    value = data.value
    if data.kind is InterestKind.city:
        if value not in CityCode.__members__:
            raise Invalid("城市代码不存在", code="city_unknown")
    elif data.kind is InterestKind.industry:
        if session.get(Industry, value) is None:
            raise Invalid("行业代码不存在", code="industry_unknown")
    elif len(value) < 2:
        raise Invalid("关键词至少 2 个字", code="keyword_too_short")
    else:
        value = value.lower()
    stmt = select(InterestSubscription).where(
        InterestSubscription.member_id == member.id,
        InterestSubscription.kind == data.kind.value,
        InterestSubscription.value == value,
    )
    found = session.exec(stmt).first()
    if found is not None:
        return found
    count = session.exec(
        select(func.count()).select_from(InterestSubscription).where(InterestSubscription.member_id == member.id)
    ).one()
    if count >= MAX_INTERESTS:
        raise Conflict(f"最多订阅 {MAX_INTERESTS} 项", code="subscription_limit")
    row = InterestSubscription(member_id=member.id, kind=data.kind.value, value=value)  # type: ignore[arg-type]
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return session.exec(stmt).one()
    return row


def list_interests(session: Session, member: Member) -> list[InterestPublic]:
    rows = session.exec(
        select(InterestSubscription)
        .where(InterestSubscription.member_id == member.id)
        .order_by(col(InterestSubscription.id))
    ).all()
    return [InterestPublic.model_validate(r) for r in rows]


def remove_interest(session: Session, member: Member, interest_id: int) -> None:
    result = session.exec(
        sa.delete(InterestSubscription).where(
            col(InterestSubscription.id) == interest_id, col(InterestSubscription.member_id) == member.id
        )
    )
    if result.rowcount != 1:
        raise NotFound("订阅不存在", code="subscription_not_found")


def notify_subscribers(
    session: Session,
    *,
    kind: str,
    title: str,
    city: str | None,
    industry_ids: Iterable[str | None] = (),
    text: str = "",
    link: str,
    exclude_member_ids: Iterable[int] = (),
) -> int:
    """One inbox item ("subscription.<kind>") for every member with a subscription the new public item matches:
    its city, one of its industries, or a keyword found in its title or `text` (case-insensitive). A member gets
    one item however many subscriptions match, and none if an item with the same kind and link was already sent
    (announcing twice is harmless). Returns how many members were notified. Inbox only, no WeChat message.

    kind: "policy" or "demand" (others work too); link: what a tap opens, e.g. "policy:12", "demand:7".
    """
    industries = sorted({i for i in industry_ids if i})
    matched: dict[int, list[str]] = {}

    def hit(member_id: int, reason: str) -> None:
        matched.setdefault(member_id, []).append(reason)

    if city:
        for member_id in session.exec(
            select(InterestSubscription.member_id).where(
                InterestSubscription.kind == InterestKind.city, InterestSubscription.value == city
            )
        ).all():
            hit(member_id, f"城市 {CITY_NAMES.get(city, city)}")
    if industries:
        names = dict(session.exec(select(Industry.code, Industry.name).where(col(Industry.code).in_(industries))).all())
        for member_id, value in session.exec(
            select(InterestSubscription.member_id, InterestSubscription.value).where(
                InterestSubscription.kind == InterestKind.industry, col(InterestSubscription.value).in_(industries)
            )
        ).all():
            hit(member_id, f"行业 {names.get(value, value)}")
    haystack = f"{title}\n{text}".lower()
    for member_id, value in session.exec(
        select(InterestSubscription.member_id, InterestSubscription.value).where(
            InterestSubscription.kind == InterestKind.keyword
        )
    ).all():
        if value in haystack:
            hit(member_id, f"关键词 {value}")
    if not matched:
        return 0
    note_kind = f"subscription.{kind}"
    skip = set(exclude_member_ids) | set(
        session.exec(
            select(Notification.member_id).where(
                Notification.kind == note_kind, Notification.link == link, col(Notification.member_id).in_(matched)
            )
        ).all()
    )
    label = KIND_LABELS.get(kind, "内容")
    count = 0
    for member_id in sorted(matched):
        if member_id in skip:
            continue
        reasons = "、".join(dict.fromkeys(matched[member_id]))
        notify(session, member_id, note_kind, f"新{label}：{title}", f"符合您的订阅：{reasons}", link, push=False)
        count += 1
    return count


def announce_policy(session: Session, policy: Any) -> int:
    """Call when a policy becomes public (staff verify it, a trusted bureau pushes it, staff publish it)."""
    return notify_subscribers(
        session,
        kind="policy",
        title=policy.title,
        city=policy.city_code,
        industry_ids=[policy.industry_code, *(policy.industries or [])],
        text=f"{policy.summary or ''}\n{policy.issuer or ''}",
        link=f"policy:{policy.id}",
    )
