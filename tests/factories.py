"""Small builders for board records in tests; each returns a flushed row."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund, ServiceStation
from app.boards.policy.models import Policy
from app.boards.resources.models import Resource
from app.boards.showcase.models import Achievement, Event
from app.boards.talent.models import Expert, Job, TalentService, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.cooperation.models import CooperationItem
from app.core.models import Publication, Verification, utcnow
from app.core.timeutil import today_cn


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def policy(session: Session, **kw: Any) -> Policy:
    data: dict[str, Any] = dict(
        title="普陀区关于支持科技创新的若干政策",
        issuer="上海市普陀区科学技术委员会",
        level="district",
        category="subsidy",
        city_code="putuo",
        summary="对研发投入给予补贴",
        full_text="第一条 ……",
        valid_to=date.today() + timedelta(days=365),
        published_at=utcnow(),
        publication=Publication.published,
        verification=Verification.verified,
    )
    data.update(kw)
    return add(session, Policy(**data))  # type: ignore[no-any-return]


def member(session: Session, openid: str, *, org: Any = None, role: str = "admin") -> tuple[Any, str]:
    """A logged-in member (and, with `org`, acting for it); returns (member, bearer token)."""
    from app.core.security import new_token, token_digest
    from app.members.models import Member, MemberSession, OrgMembership

    m = add(session, Member(openid=openid, privacy_version="1.0", privacy_consented_at=utcnow()))
    if org is not None:
        add(session, OrgMembership(member_id=m.id, org_id=org.id, role=role))
        m.acting_org_id = org.id
        add(session, m)
    token = new_token("mbr")
    add(session, MemberSession(token_hash=token_digest(token), member_id=m.id, expires_at=utcnow() + timedelta(days=7)))
    return m, token


def organization(session: Session, name: str, credit_code: str, **kw: Any) -> Any:
    from app.orgs.models import Organization

    data: dict[str, Any] = dict(
        name=name, credit_code=credit_code, org_type="enterprise", city_code="putuo", verification=Verification.verified
    )
    data.update(kw)
    return add(session, Organization(**data))


def _public(kw: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(
        city_code="putuo",
        published_at=utcnow(),
        publication=Publication.published,
        verification=Verification.verified,
    )
    data.update(defaults)
    data.update(kw)
    return data


def resource(session: Session, **kw: Any) -> Resource:
    data = _public(
        kw,
        name="普陀区概念验证中心",
        kind="poc_center",
        org_name="华东师范大学",
        org_credit_code="12100000425006117P",
        district="普陀区",
        address="中山北路3663号",
        lat=31.2304,
        lng=121.4050,
        capabilities="中试验证、样机试制",
        open_services="设备共享",
        description="面向高校成果的概念验证",
        contact_name="王老师",
        contact_phone="13812345678",
    )
    return add(session, Resource(**data))  # type: ignore[no-any-return]


def tech_manager(session: Session, **kw: Any) -> TechManager:
    data = _public(
        kw,
        name="李经理",
        org_name="苏州技术转移中心",
        fields=["储能电池", "光伏"],
        certificate_no="JSJL-2024-001",
        bio="十年技术转移经验",
        completed_count=12,
        contact_phone="13812345678",
    )
    return add(session, TechManager(**data))  # type: ignore[no-any-return]


def alliance(session: Session, **kw: Any) -> Alliance:
    data = _public(
        kw,
        name="新能源产业链联盟",
        chain_code="new_energy",
        lead_org="南京工业大学",
        description="一院一链：新能源",
        members=[{"name": "南京工业大学", "role": "牵头", "city": "nanjing"}, {"name": "常州某企业", "role": "成员"}],
    )
    return add(session, Alliance(**data))  # type: ignore[no-any-return]


def fund(session: Session, **kw: Any) -> Fund:
    data = _public(
        kw,
        name="长三角协同创新一期基金",
        manager="长三角投资管理有限公司",
        size_yi_yuan=30.0,
        stages=["angel", "a"],
        description="投向长三角科创企业",
        contact_name="张先生",
        contact_phone="13812345678",
    )
    return add(session, Fund(**data))  # type: ignore[no-any-return]


def financial_product(session: Session, **kw: Any) -> FinancialProduct:
    data = _public(
        kw,
        name="科技贷",
        product_type="tech_loan",
        institution="上海银行普陀支行",
        amount_max_wan_yuan=1000.0,
        rate_text="LPR",
        term_text="1年",
        eligibility="科技型中小企业",
        description="纯信用贷款",
        contact_phone="13812345678",
    )
    return add(session, FinancialProduct(**data))  # type: ignore[no-any-return]


def financing_need(session: Session, **kw: Any) -> FinancingNeed:
    data = _public(
        kw,
        title="固态电池中试线融资",
        org_name="无锡某新能源科技有限公司",
        amount_wan_yuan=5000.0,
        stage="a",
        use_of_funds="建设中试线",
        description="A轮融资",
        contact_phone="13812345678",
    )
    return add(session, FinancingNeed(**data))  # type: ignore[no-any-return]


def service_station(session: Session, **kw: Any) -> ServiceStation:
    data = _public(
        kw,
        name="普陀科技金融服务工作站",
        host_org="普陀区科委",
        address="大渡河路1668号",
        lat=31.24,
        lng=121.39,
        services="融资对接、政策辅导",
        contact_phone="13812345678",
    )
    return add(session, ServiceStation(**data))  # type: ignore[no-any-return]


def talent_service(session: Session, **kw: Any) -> TalentService:
    data = _public(
        kw,
        title="人才公寓申请",
        category="housing",
        provider="普陀区人才服务中心",
        eligibility="在普陀工作的人才",
        description="拎包入住",
        contact_phone="13812345678",
    )
    return add(session, TalentService(**data))  # type: ignore[no-any-return]


def job(session: Session, **kw: Any) -> Job:
    data = _public(
        kw,
        title="算法工程师",
        org_name="南京某人工智能公司",
        salary_min_k=20,
        salary_max_k=40,
        education="硕士",
        experience="3年",
        headcount=2,
        closing_date=today_cn() + timedelta(days=30),
        description="负责视觉算法",
        contact_phone="13812345678",
    )
    return add(session, Job(**data))  # type: ignore[no-any-return]


def expert(session: Session, **kw: Any) -> Expert:
    data = _public(
        kw,
        name="陈教授",
        title="教授",
        affiliation="东南大学",
        fields=["集成电路", "芯片设计"],
        bio="长期从事芯片设计研究",
        achievements="国家科技进步奖",
        contact_phone="13812345678",
    )
    return add(session, Expert(**data))  # type: ignore[no-any-return]


def training_programme(session: Session, **kw: Any) -> TrainingProgramme:
    data = _public(
        kw,
        title="集成电路工程硕士联合培养",
        partners=["东南大学", "无锡某芯片企业"],
        start_date=today_cn(),
        end_date=today_cn() + timedelta(days=700),
        capacity=30,
        description="校企联合培养",
        contact_phone="13812345678",
    )
    return add(session, TrainingProgramme(**data))  # type: ignore[no-any-return]


def achievement(session: Session, **kw: Any) -> Achievement:
    data = _public(
        kw,
        title="高镍正极材料制备技术",
        owner_name="常州大学",
        trl=6,
        ip_type="invention_patent",
        transfer_modes=["transfer", "license"],
        price_wan_yuan=200.0,
        description="低成本高镍正极",
        media=[{"type": "image", "url": "https://example.com/a.jpg"}],
        contact_phone="13812345678",
    )
    return add(session, Achievement(**data))  # type: ignore[no-any-return]


def event(session: Session, **kw: Any) -> Event:
    data = _public(
        kw,
        title="沿沪宁科创集市",
        event_type="fair",
        organizer="沿沪宁协同创新城市联盟",
        starts_at=utcnow() + timedelta(days=10),
        ends_at=None,
        registration_deadline=today_cn() + timedelta(days=7),
        venue="普陀区科技馆",
        capacity=100,
        registered_count=10,
        description="集市活动",
    )
    return add(session, Event(**data))  # type: ignore[no-any-return]


def cooperation_item(session: Session, **kw: Any) -> CooperationItem:
    data = _public(
        kw,
        title="新能源产业链跨城合作",
        coop_type="chain",
        tense="present",
        partner_cities=["putuo", "changzhou"],
        lead_org="普陀区科委",
        partners=["常州某企业"],
        description="产业链协同",
    )
    return add(session, CooperationItem(**data))  # type: ignore[no-any-return]


def credit_code(n: int, *, prefix: str = "913101070") -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check character) that differs by `n`."""
    from app.orgs.credit_code import check_character

    first17 = f"{prefix}{n:08d}"[:17]
    return first17 + check_character(first17)


def org_claim(session: Session, member_row: Any, org: Any, **kw: Any) -> Any:
    """A member's request to join an organisation (pending by default)."""
    from app.orgs.models import OrgClaim

    data: dict[str, Any] = dict(member_id=member_row.id, org_id=org.id, note="技术部")
    data.update(kw)
    return add(session, OrgClaim(**data))


def demand(session: Session, org: Any = None, **kw: Any) -> Any:
    """A 榜单, published by default, complete enough to submit; `org` posts it."""
    from app.demands.models import Demand

    data: dict[str, Any] = dict(
        title="固态电池电解质界面稳定性技术攻关",
        demand_type="tackling",
        status="published",
        city_code=org.city_code if org is not None else "putuo",
        source="member",
        industry_code="new_energy",
        industries=["new_energy"],
        keywords=["固态电池", "电解质"],
        description="需要解决固态电解质与正极界面副反应问题，循环寿命需提升。",
        tech_targets="循环 1000 次容量保持率 ≥ 90%",
        expected_result="中试样品与工艺包",
        reward_wan_yuan=300.0,
        deadline=utcnow() + timedelta(days=30),
        period_months=12,
        eligibility="具备固态电池研发经验的高校或科研院所",
        org_id=org.id if org is not None else None,
        org_name=org.name if org is not None else "普陀某新能源企业",
        contact_name="王工",
        contact_phone="13812345678",
        published_at=utcnow(),
    )
    data.update(kw)
    return add(session, Demand(**data))


def demand_application(session: Session, demand_row: Any, org: Any, member_row: Any, **kw: Any) -> Any:
    from app.demands.models import DemandApplication

    data: dict[str, Any] = dict(
        demand_id=demand_row.id,
        org_id=org.id,
        member_id=member_row.id,
        status="submitted",
        proposal="采用原位聚合界面层方案，已有小试数据。",
        team="教授 1 名，博士 3 名",
        budget_wan_yuan=200.0,
        timeline="12 个月",
        contact_name="李老师",
        contact_phone="13900001111",
    )
    data.update(kw)
    return add(session, DemandApplication(**data))


def staff_token(session: Session, username: str, role: str = "district_admin", city_code: str | None = None) -> str:
    """A logged-in staff user; returns the bearer token."""
    from app.staff.models import StaffRole
    from app.staff.service import create_staff, open_session

    user = create_staff(
        session, username=username, password="correct horse battery", role=StaffRole(role), city_code=city_code
    )
    token, _ = open_session(session, user)
    session.flush()
    return token


def staff(session: Session, role: str = "district_admin", city_code: str | None = None) -> tuple[Any, str]:
    """A logged-in staff user (no password: the hash is a placeholder); returns (user, bearer token)."""
    from app.staff.models import StaffUser
    from app.staff.service import open_session

    user = add(
        session,
        StaffUser(
            username=f"{role}-{city_code or 'all'}-{secrets.token_hex(6)}",
            password_hash="!",
            role=role,
            city_code=city_code,
        ),
    )
    token, _ = open_session(session, user)
    session.flush()
    return user, token


def bureau_key(
    session: Session,
    city_code: str = "wuxi",
    scopes: tuple[str, ...] = (
        "policy",
        "resources",
        "tech",
        "finance",
        "talent",
        "showcase",
        "demands",
        "cooperation",
    ),
    *,
    trusted: bool = False,
    days: int = 30,
) -> tuple[Any, str]:
    """A bureau of `city_code` with one live API key; returns (bureau, plain key)."""
    from app.bureaus import service
    from app.bureaus.models import Bureau, PushScope

    actor, _ = staff(session)
    bureau = add(session, Bureau(name=f"{city_code}科技局", city_code=city_code, trusted=trusted))
    plain, _ = service.issue_key(session, actor, bureau, scopes=[PushScope(s) for s in scopes], expires_in_days=days)
    return bureau, plain


def favorite(session: Session, member_row: Any, board: str, item_id: int) -> Any:
    from app.my.models import Favorite

    return add(session, Favorite(member_id=member_row.id, board=board, item_id=item_id))


def interest(session: Session, member_row: Any, kind: str, value: str) -> Any:
    """A member's subscription to a keyword, industry code or city code."""
    from app.my.models import InterestSubscription

    return add(session, InterestSubscription(member_id=member_row.id, kind=kind, value=value))
