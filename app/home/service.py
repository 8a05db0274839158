from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund, ServiceStation
from app.boards.policy.models import Policy
from app.boards.resources.models import Resource
from app.boards.showcase.models import Achievement, Event
from app.boards.talent.models import Expert, Job, TalentService, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.core.labels import DICTIONARIES, options
from app.core.listing import count_upto, public_reviewed
from app.core.models import utcnow
from app.demands.models import PUBLIC_DEMAND_STATUSES, Demand
from app.home.models import Banner
from app.home.schemas import BannerPublic, BoardEntry, DictionariesPublic, HomePublic, LatestItem

# The six boards in the order of the commission's home page, with the tables each one gathers.
BOARDS: list[tuple[str, str, list[Any]]] = [
    ("policy", "政策发布", [Policy]),
    ("resources", "资源共享", [Resource]),
    ("tech", "技术对接", [Demand, TechManager, Alliance]),
    ("finance", "金融服务", [Fund, FinancialProduct, FinancingNeed, ServiceStation]),
    ("talent", "人才交流", [TalentService, Job, Expert, TrainingProgramme]),
    ("showcase", "成果展示", [Achievement, Event]),
]


def _public(model: Any) -> list[Any]:
    if model is Demand:
        return [col(Demand.status).in_(PUBLIC_DEMAND_STATUSES)]
    return public_reviewed(model)


# The home page counts each board's public records up to this many (one page, served from the response cache).
COUNT_CAP = 10_000


def _count(session: Session, model: Any, city: str | None) -> int:
    """Public rows of `model`, counted up to COUNT_CAP + 1."""
    conds = _public(model)
    if city:
        conds.append(model.city_code == city)
    return count_upto(session, model, conds, COUNT_CAP)


def _latest(session: Session, board: str, model: Any, city: str | None, title: str, n: int = 5) -> list[LatestItem]:
    conds = _public(model)
    if city:
        conds.append(model.city_code == city)
    rows = session.exec(select(model).where(*conds).order_by(model.published_at.desc(), model.id.desc()).limit(n))
    return [
        LatestItem(
            board=board,
            kind=model.__tablename__,
            id=r.id,
            title=getattr(r, title),
            city_code=r.city_code,
            published_at=r.published_at,
        )
        for r in rows
    ]


def home(session: Session, city: str | None) -> HomePublic:
    now = utcnow()
    banner_conds: list[Any] = [
        col(Banner.active).is_(True),
        sa.or_(col(Banner.starts_at).is_(None), col(Banner.starts_at) <= now),
        sa.or_(col(Banner.ends_at).is_(None), col(Banner.ends_at) > now),
    ]
    if city:
        banner_conds.append(sa.or_(col(Banner.city_code).is_(None), col(Banner.city_code) == city))
    banners = session.exec(
        select(Banner).where(*banner_conds).order_by(col(Banner.sort), col(Banner.id)).limit(10)
    ).all()
    boards = []
    for key, name, models in BOARDS:
        counts = [_count(session, m, city) for m in models]
        exact = all(c <= COUNT_CAP for c in counts)
        boards.append(BoardEntry(board=key, name=name, count=sum(min(c, COUNT_CAP) for c in counts), count_exact=exact))
    return HomePublic(
        city=city,
        banners=[BannerPublic.model_validate(b) for b in banners],
        boards=boards,
        latest_demands=_latest(session, "tech", Demand, city, "title"),
        latest_policies=_latest(session, "policy", Policy, city, "title"),
        latest_achievements=_latest(session, "showcase", Achievement, city, "title"),
    )


def dictionaries() -> DictionariesPublic:
    return DictionariesPublic.model_validate({name: options(enum) for name, enum in DICTIONARIES.items()})
