"""三张清单 as one xlsx workbook (or one list alone): 资源清单, 需求清单, 合作清单, per city or for all.

A list holds what is public (published and verified; for demands the public statuses), confined to the staff
user's city in the query. Contact phones are masked: the files travel by e-mail and chat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from sqlmodel import Session, col, select

from app.admin.deps import allowed_city, scope_conds
from app.boards.resources.models import PlatformLevel, Resource, ResourceKind
from app.cooperation.models import CooperationItem, CooperationType, Tense
from app.core.labels import LABELS
from app.core.listing import public_reviewed
from app.core.schemas import CityCode, mask_phone
from app.core.timeutil import CHINA
from app.demands.models import PUBLIC_DEMAND_STATUSES, Demand, DemandType
from app.staff.models import StaffUser

CITY = LABELS[CityCode]
TENSE_ORDER = {Tense.past: 0, Tense.present: 1, Tense.future: 2}
DEMAND_STATUS = {
    "published": "揭榜中",
    "closed": "已截止",
    "awarded": "已签约/攻关中",
    "completed": "已验收",
    "pending_review": "待审核",
    "draft": "草稿",
    "rejected": "已驳回",
    "withdrawn": "已撤回",
}


def _label(enum: Any, value: Any) -> str:
    return LABELS[enum].get(value, value or "") if value else ""


def _join(values: Any) -> str:
    return "、".join(str(v) for v in values or [])


def _date(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(CHINA).strftime("%Y-%m-%d")
    return value.isoformat()


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: list[tuple[str, Callable[[Any], Any]]]
    query: Callable[[StaffUser, str | None], Any]


def _resources(user: StaffUser, city: str | None) -> Any:
    conds = [*public_reviewed(Resource), *scope_conds(user, Resource)]
    if city:
        conds.append(Resource.city_code == city)
    return select(Resource).where(*conds).order_by(col(Resource.city_code), col(Resource.kind), col(Resource.id))


def _demands(user: StaffUser, city: str | None) -> Any:
    conds = [col(Demand.status).in_(PUBLIC_DEMAND_STATUSES), *scope_conds(user, Demand)]
    if city:
        conds.append(Demand.city_code == city)
    return select(Demand).where(*conds).order_by(col(Demand.city_code), col(Demand.published_at).desc(), col(Demand.id))


def _cooperation(user: StaffUser, city: str | None) -> Any:
    conds = [*public_reviewed(CooperationItem), *scope_conds(user, CooperationItem)]
    if city:
        conds.append(CooperationItem.city_code == city)
    return select(CooperationItem).where(*conds).order_by(col(CooperationItem.city_code), col(CooperationItem.id))


SHEETS = [
    Sheet(
        "resources",
        "资源清单",
        [
            ("编号", lambda r: r.id),
            ("城市", lambda r: CITY.get(r.city_code, r.city_code)),
            ("名称", lambda r: r.name),
            ("类型", lambda r: _label(ResourceKind, r.kind)),
            ("平台级别", lambda r: _label(PlatformLevel, r.platform_level)),
            ("所属单位", lambda r: r.org_name),
            ("区县", lambda r: r.district),
            ("地址", lambda r: r.address),
            ("能力", lambda r: r.capabilities),
            ("开放服务", lambda r: r.open_services),
            ("面积（平方米）", lambda r: r.area_sqm),
            ("免租条款", lambda r: r.rent_free_terms),
            ("行业", lambda r: _join(r.industries)),
            ("联系人", lambda r: r.contact_name),
            ("联系电话", lambda r: mask_phone(r.contact_phone)),
        ],
        _resources,
    ),
    Sheet(
        "demands",
        "需求清单",
        [
            ("编号", lambda r: r.id),
            ("城市", lambda r: CITY.get(r.city_code, r.city_code)),
            ("榜单名称", lambda r: r.title),
            ("类型", lambda r: _label(DemandType, r.demand_type)),
            ("发榜单位", lambda r: r.org_name),
            ("产业链", lambda r: r.chain_code or ""),
            ("关键词", lambda r: _join(r.keywords)),
            ("技术指标", lambda r: r.tech_targets),
            (
                "榜额（万元）",
                lambda r: "面议" if r.reward_negotiable or r.reward_wan_yuan is None else r.reward_wan_yuan,
            ),
            ("截止日期", lambda r: _date(r.deadline)),
            ("实施周期（月）", lambda r: r.period_months),
            ("状态", lambda r: DEMAND_STATUS.get(r.status, r.status)),
            ("揭榜数", lambda r: r.application_count),
            ("发布日期", lambda r: _date(r.published_at)),
        ],
        _demands,
    ),
    Sheet(
        "cooperation",
        "合作清单",
        [
            ("编号", lambda r: r.id),
            ("时态", lambda r: _label(Tense, r.tense)),
            ("城市", lambda r: CITY.get(r.city_code, r.city_code)),
            ("合作事项", lambda r: r.title),
            ("合作类型", lambda r: _label(CooperationType, r.coop_type)),
            ("合作城市", lambda r: _join(CITY.get(c, c) for c in r.partner_cities)),
            ("牵头单位", lambda r: r.lead_org),
            ("合作方", lambda r: _join(r.partners)),
            ("开始日期", lambda r: _date(r.start_date)),
            ("结束日期", lambda r: _date(r.end_date)),
            ("简介", lambda r: r.description),
        ],
        _cooperation,
    ),
]
BY_KEY = {s.key: s for s in SHEETS}


def rows_of(session: Session, user: StaffUser, sheet: Sheet, city: str | None) -> list[Any]:
    rows = list(session.exec(sheet.query(user, allowed_city(user, city))).all())
    if sheet.key == "cooperation":
        rows.sort(key=lambda r: (TENSE_ORDER.get(r.tense, 9), r.city_code, r.id))
    return rows


def workbook(session: Session, user: StaffUser, lists: list[str], city: str | None) -> tuple[bytes, dict[str, int]]:
    """The chosen lists as sheets of one workbook; returns its bytes and the row count of each sheet."""
    # openpyxl is imported where a workbook is made: it would add a noticeable share to every worker's start-up.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1E3A8A")
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    counts = {}
    for key in lists:
        sheet = BY_KEY[key]
        ws = wb.create_sheet(sheet.title)
        ws.append([name for name, _ in sheet.columns])
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(vertical="center")
        rows = rows_of(session, user, sheet, city)
        for r in rows:
            ws.append([get(r) for _, get in sheet.columns])
        counts[sheet.title] = len(rows)
        ws.freeze_panes = "A2"
        for i, (name, _) in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) * 2 + 4))
        ws.auto_filter.ref = ws.dimensions
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue(), counts
