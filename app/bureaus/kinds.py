"""What a bureau can push: one entry per record type, with the request model of one pushed record.

The record models are derived from the table models, so a column added to a board is pushable at once; the
enums, bounds and foreign keys that the tables cannot express are declared here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from annotated_types import MaxLen
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model
from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

from app.boards.finance.models import FinanceStage, FinancialProduct, FinancingNeed, Fund, ProductType, ServiceStation
from app.boards.policy.models import Policy, PolicyCategory, PolicyLevel
from app.boards.resources.models import PlatformLevel, Resource, ResourceKind
from app.boards.showcase.models import Achievement, Event, EventType, IpType, TransferMode
from app.boards.talent.models import Expert, Job, TalentService, TalentServiceCategory, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.bureaus.models import PushScope
from app.cooperation.models import CooperationItem, CooperationType, Tense
from app.core.schemas import CityCode
from app.demands.models import Demand, DemandType

CHINA = timezone(timedelta(hours=8))


class PushKind(StrEnum):
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


class CoordSystem(StrEnum):
    wgs84 = "wgs84"  # GPS, 国际标准
    gcj02 = "gcj02"  # 国测局（高德、腾讯、微信）
    bd09 = "bd09"  # 百度


def _assume_china_time(value: datetime) -> datetime:
    """A time without a zone is Beijing time (how bureaus' systems and Excel write it)."""
    return value.replace(tzinfo=CHINA).astimezone(UTC) if value.tzinfo is None else value.astimezone(UTC)


CNDateTime = Annotated[datetime, AfterValidator(_assume_china_time)]

# Columns a bureau never sets: the server, staff or members own them.
SERVER_COLUMNS = frozenset(
    {
        "id",
        "city_code",
        "source",
        "source_id",
        "source_updated_at",
        "view_count",
        "created_at",
        "updated_at",
        "publication",
        "verification",
        "reject_reason",
        "published_at",
        "org_id",
        "status",
        "application_count",
        "registered_count",
        "completed_count",
    }
)

TEXT_MAX = 20_000
LIST_MAX = 50


class PushRecordBase(BaseModel):
    """Fields every pushed record has."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source_id: str = Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$", description="推送方自己的记录编号")
    source_updated_at: CNDateTime | None = Field(
        default=None, description="推送方记录的更新时间；比库中旧的记录不会覆盖（stale）"
    )
    city_code: CityCode | None = Field(default=None, description="可省略；若填写必须是密钥所属城市")


class PointRecordBase(PushRecordBase):
    lat: float | None = Field(default=None, ge=-90, le=90, description="纬度")
    lng: float | None = Field(default=None, ge=-180, le=180, description="经度")
    coord_system: CoordSystem | None = Field(default=None, description="坐标系；缺省取批次的 coord_system")


@dataclass(frozen=True)
class Kind:
    name: PushKind
    model: type[SQLModel]
    scope: PushScope
    label: str
    title_field: str
    record: type[BaseModel] = field(repr=False)
    # Whether public visibility goes by `verification` (boards) or by `status` (demands).
    reviewed: bool = True
    has_point: bool = False
    # Foreign keys to check against reference tables before writing: column -> reference table.
    references: dict[str, str] = field(default_factory=dict)

    @cached_property
    def columns(self) -> list[str]:
        """The table columns a push sets (besides source fields); read for every field of every pushed record."""
        return [
            n
            for n in self.record.model_fields
            if n not in ("source_id", "source_updated_at", "city_code", "coord_system")
        ]


def _field_type(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    constraints = [m for m in metadata if isinstance(m, MaxLen)]
    if annotation is datetime:
        annotation = CNDateTime
    elif annotation == datetime | None:
        annotation = CNDateTime | None
    if annotation in (str, str | None) and not constraints:
        constraints = [MaxLen(TEXT_MAX)]
    return annotation, constraints


def _record_model(
    model: type[SQLModel],
    *,
    enums: dict[str, Any] | None = None,
    required_text: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
    point: bool = False,
) -> type[BaseModel]:
    enums = enums or {}
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in SERVER_COLUMNS or name in ("lat", "lng"):
            continue
        annotation, constraints = _field_type(info.annotation, list(info.metadata))
        if name in enums:
            annotation = enums[name]
            constraints = []
        elif annotation in (list[str], list[dict[str, str]]):
            constraints = [MaxLen(LIST_MAX)]
        if info.default_factory is not None:
            default: Any = Field(default_factory=info.default_factory)
        elif info.default is PydanticUndefined:
            default = Field(min_length=1) if annotation is str or name in required_text else ...
        else:
            default = info.default
        if constraints:
            annotation = Annotated[(annotation, *constraints)]
        fields[name] = (annotation, default)
    fields.update(extra or {})
    base = PointRecordBase if point else PushRecordBase
    return create_model(f"Push{model.__name__}", __base__=base, **fields)


_INDUSTRY = {"industry_code": "industry"}

KINDS: dict[PushKind, Kind] = {
    k.name: k
    for k in [
        Kind(
            PushKind.policy,
            Policy,
            PushScope.policy,
            "政策",
            "title",
            _record_model(Policy, enums={"level": PolicyLevel, "category": PolicyCategory}),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.resource,
            Resource,
            PushScope.resources,
            "资源",
            "name",
            _record_model(
                Resource,
                enums={"kind": ResourceKind, "platform_level": PlatformLevel | None},
                extra={"org_credit_code": (Annotated[str | None, Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")], None)},
                point=True,
            ),
            has_point=True,
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.tech_manager,
            TechManager,
            PushScope.tech,
            "技术经理人",
            "name",
            _record_model(TechManager),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.alliance,
            Alliance,
            PushScope.tech,
            "链式联盟",
            "name",
            _record_model(Alliance),
            references={**_INDUSTRY, "chain_code": "chain"},
        ),
        Kind(
            PushKind.fund,
            Fund,
            PushScope.finance,
            "基金",
            "name",
            _record_model(Fund, enums={"stages": Annotated[list[FinanceStage], MaxLen(LIST_MAX)]}),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.financial_product,
            FinancialProduct,
            PushScope.finance,
            "金融产品",
            "name",
            _record_model(FinancialProduct, enums={"product_type": ProductType}),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.financing_need,
            FinancingNeed,
            PushScope.finance,
            "融资需求",
            "title",
            _record_model(FinancingNeed, enums={"stage": FinanceStage}),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.service_station,
            ServiceStation,
            PushScope.finance,
            "科技金融服务工作站",
            "name",
            _record_model(ServiceStation, point=True),
            has_point=True,
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.talent_service,
            TalentService,
            PushScope.talent,
            "人才服务",
            "title",
            _record_model(TalentService, enums={"category": TalentServiceCategory}),
            references=_INDUSTRY,
        ),
        Kind(PushKind.job, Job, PushScope.talent, "岗位", "title", _record_model(Job), references=_INDUSTRY),
        Kind(PushKind.expert, Expert, PushScope.talent, "专家", "name", _record_model(Expert), references=_INDUSTRY),
        Kind(
            PushKind.training_programme,
            TrainingProgramme,
            PushScope.talent,
            "联合培养",
            "title",
            _record_model(TrainingProgramme),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.achievement,
            Achievement,
            PushScope.showcase,
            "科技成果",
            "title",
            _record_model(
                Achievement,
                enums={"ip_type": IpType, "transfer_modes": Annotated[list[TransferMode], MaxLen(8)]},
                extra={"trl": (int, Field(default=4, ge=1, le=9))},
            ),
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.event,
            Event,
            PushScope.showcase,
            "活动",
            "title",
            _record_model(Event, enums={"event_type": EventType}, point=True),
            has_point=True,
            references=_INDUSTRY,
        ),
        Kind(
            PushKind.demand,
            Demand,
            PushScope.demands,
            "需求（榜单）",
            "title",
            _record_model(Demand, enums={"demand_type": DemandType}),
            reviewed=False,
            references={**_INDUSTRY, "chain_code": "chain", "chain_node_code": "chainnode"},
        ),
        Kind(
            PushKind.cooperation,
            CooperationItem,
            PushScope.cooperation,
            "合作清单",
            "title",
            _record_model(
                CooperationItem,
                enums={
                    "coop_type": CooperationType,
                    "tense": Tense,
                    "partner_cities": Annotated[list[CityCode], MaxLen(8)],
                },
            ),
            references=_INDUSTRY,
        ),
    ]
}


_SCALARS = frozenset({str, int, float, bool, type(None), date, datetime})


def plain(value: Any) -> Any:
    """A validated value as the database and the comparison with stored rows see it (enums as their values)."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


__all__ = ["CHINA", "KINDS", "CoordSystem", "Kind", "PushKind", "date", "plain"]
