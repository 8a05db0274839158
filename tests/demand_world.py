"""The cast of the 揭榜挂帅 tests: a poster, a solver, a partner, an outsider, staff of two cities."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.moderation import service as moderation
from app.moderation.service import Suggest
from app.notifications.models import Notification
from tests import factories

# Words the fake content check reacts to (the real one is WeChat's msgSecCheck v2 through the gateway).
RISKY_WORD = "违禁词"
REVIEW_WORD = "待复核"


def fake_check(openid: str, text: str) -> Suggest:
    if RISKY_WORD in text:
        return Suggest.risky
    if REVIEW_WORD in text:
        return Suggest.review
    return Suggest.pass_


def broken_check(openid: str, text: str) -> Suggest:
    raise TimeoutError("wechat did not answer")


@pytest.fixture()
def content_check() -> Iterator[None]:
    previous = moderation._checker
    moderation.install_checker(fake_check)
    yield
    moderation.install_checker(previous)


@dataclass
class Side:
    org: Any
    member: Any
    token: str

    @property
    def h(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    poster: Side  # 普陀 enterprise that posts 榜单
    poster_colleague: Side  # a second member of the poster's organisation
    solver: Side  # 南京 university that applies
    partner: Side  # 苏州 institute, partner of a joint application
    outsider: Side  # 无锡 enterprise with no part in anything
    no_org: dict[str, str]  # a logged-in member without an organisation
    district: dict[str, str]  # district staff
    putuo_reviewer: dict[str, str]
    nanjing_admin: dict[str, str]


def _side(session: Session, name: str, code: str, openid: str, city: str, org_type: str = "enterprise") -> Side:
    org = factories.organization(session, name, code, city_code=city, org_type=org_type)
    m, token = factories.member(session, openid, org=org)
    return Side(org, m, token)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def world(session: Session, content_check: None) -> World:
    poster = _side(session, "普陀某新能源科技有限公司", "91310107MA1G0000A1", "openid-poster", "putuo")
    m2, t2 = factories.member(session, "openid-poster-2", org=poster.org, role="member")
    solver = _side(session, "南京某大学", "12320000466007203K", "openid-solver", "nanjing", "university")
    partner = _side(session, "苏州某研究院", "12320500MB1234567X", "openid-partner", "suzhou", "institute")
    outsider = _side(session, "无锡某公司", "91320200MA1X000001", "openid-outsider", "wuxi")
    _, no_org = factories.member(session, "openid-lonely")
    return World(
        poster=poster,
        poster_colleague=Side(poster.org, m2, t2),
        solver=solver,
        partner=partner,
        outsider=outsider,
        no_org=_bearer(no_org),
        district=_bearer(factories.staff_token(session, "district-1")),
        putuo_reviewer=_bearer(factories.staff_token(session, "pt-reviewer", "reviewer", "putuo")),
        nanjing_admin=_bearer(factories.staff_token(session, "nj-admin", "city_admin", "nanjing")),
    )


def inbox(session: Session, member: Any) -> list[Notification]:
    return list(
        session.exec(select(Notification).where(Notification.member_id == member.id).order_by(col(Notification.id)))
    )


def kinds(session: Session, member: Any) -> list[str]:
    return [n.kind for n in inbox(session, member)]


DRAFT: dict[str, Any] = {
    "title": "高镍正极材料量产一致性技术攻关",
    "demand_type": "tackling",
    "industry_code": "new_energy",
    "keywords": ["正极材料", "高镍"],
    "description": "量产批次间一致性差，需要改进烧结工艺与在线检测方法。",
    "tech_targets": "批次容量偏差 ≤ 1%",
    "expected_result": "工艺包与检测方案",
    "reward_wan_yuan": 150,
    "deadline": "2099-12-31T17:00:00+08:00",
    "period_months": 18,
    "eligibility": "有正极材料研发经验的高校或院所",
    "contact_name": "赵工",
    "contact_phone": "13812345678",
    "attachments": [{"name": "需求说明.pdf", "url": "https://files.example.com/a.pdf"}],
}

APPLICATION: dict[str, Any] = {
    "proposal": "采用梯度烧结与在线 XRD 检测相结合的方案，已有中试数据。",
    "team": "教授 2 名，博士后 3 名",
    "budget_wan_yuan": 140,
    "timeline": "第 1–6 月工艺优化，第 7–12 月中试验证",
    "contact_name": "孙老师",
    "contact_phone": "13900002222",
}
