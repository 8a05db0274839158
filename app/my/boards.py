"""Every kind of board item a member can keep as a favourite, and when it is public (the same kinds as pushes)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import col

from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund, ServiceStation
from app.boards.policy.models import Policy
from app.boards.resources.models import Resource
from app.boards.showcase.models import Achievement, Event
from app.boards.talent.models import Expert, Job, TalentService, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.cooperation.models import CooperationItem
from app.core.listing import public_reviewed
from app.demands.models import PUBLIC_DEMAND_STATUSES, Demand


class BoardKind(StrEnum):
    policy = "policy"
    resource = "resource"
    tech_manager = "tech_manager"
    alliance = "alliance"
    fund = "fund"
    financial_product = "financial_product"
    financing_need = "financing_need"
    service_station = "service_station"
    talent_service = "talent_service"
    job = "job"
    expert = "expert"
    training_programme = "training_programme"
    achievement = "achievement"
    event = "event"
    demand = "demand"
    cooperation = "cooperation"


@dataclass(frozen=True)
class Board:
    model: Any
    title: str  # the column shown as the item's title

    def public(self) -> list[Any]:
        if self.model is Demand:
            return [col(Demand.status).in_([s.value for s in PUBLIC_DEMAND_STATUSES])]
        return public_reviewed(self.model)


BOARDS: dict[BoardKind, Board] = {
    BoardKind.policy: Board(Policy, "title"),
    BoardKind.resource: Board(Resource, "name"),
    BoardKind.tech_manager: Board(TechManager, "name"),
    BoardKind.alliance: Board(Alliance, "name"),
    BoardKind.fund: Board(Fund, "name"),
    BoardKind.financial_product: Board(FinancialProduct, "name"),
    BoardKind.financing_need: Board(FinancingNeed, "title"),
    BoardKind.service_station: Board(ServiceStation, "name"),
    BoardKind.talent_service: Board(TalentService, "title"),
    BoardKind.job: Board(Job, "title"),
    BoardKind.expert: Board(Expert, "name"),
    BoardKind.training_programme: Board(TrainingProgramme, "title"),
    BoardKind.achievement: Board(Achievement, "title"),
    BoardKind.event: Board(Event, "title"),
    BoardKind.demand: Board(Demand, "title"),
    BoardKind.cooperation: Board(CooperationItem, "title"),
}
