"""`python -m app.seed.synthetic --count N`: N plausible synthetic board records for benchmarks.

Spread over the eight cities, the industries, every enum of each board and a few unpublished/unverified states;
bulk-loaded with COPY on PostgreSQL and one `executemany` per batch on SQLite. A run adds N more rows (source ids
carry the run's token), it never touches the demo or real data.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.boards.finance.models import FinanceStage, FinancialProduct, FinancingNeed, Fund, ProductType, ServiceStation
from app.boards.policy.models import Policy, PolicyCategory, PolicyLevel
from app.boards.resources.models import PlatformLevel, Resource, ResourceKind
from app.boards.showcase.models import Achievement, Event, EventType, IpType, TransferMode
from app.boards.talent.models import Expert, Job, TalentService, TalentServiceCategory, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.cooperation.models import CooperationItem, CooperationType, Tense
from app.core.db import get_engine
from app.demands.models import Demand, DemandStatus, DemandType
from app.seed.demo import CHAIN_NAMES, CTX, TECH, landline, person, phone
from app.seed.reference import CITIES, INDUSTRIES

INDUSTRY = dict(INDUSTRIES)
CITY_CODES = [c["code"] for c in CITIES]
SHORT = {c["code"]: c["short_name"] for c in CITIES}
CENTRE = {c["code"]: (c["center_lat"], c["center_lng"], *c["box"]) for c in CITIES}

# Share of N per table: the boards visitors scroll most get the most rows.
WEIGHTS: dict[type[SQLModel], int] = {
    Policy: 14,
    Resource: 10,
    Demand: 14,
    Achievement: 12,
    Job: 10,
    Event: 5,
    TechManager: 4,
    Alliance: 2,
    Fund: 3,
    FinancialProduct: 3,
    FinancingNeed: 5,
    ServiceStation: 2,
    TalentService: 3,
    Expert: 7,
    TrainingProgramme: 2,
    CooperationItem: 4,
}


def tname(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


BOARD_TABLES = {tname(m): m for m in WEIGHTS}

VERBS = ["推动", "支持", "加快", "促进", "鼓励", "深化", "优化", "完善"]
ASPECTS = ["高质量发展", "协同创新", "成果转化", "产业集聚", "数字化转型", "绿色低碳发展", "人才集聚", "开放共享"]
DOC_KINDS = ["若干措施", "实施办法", "实施细则", "申报指南", "行动方案", "管理办法", "三年行动计划"]
SENTENCES = [
    "面向沿沪宁产业创新带，聚焦关键核心技术攻关。",
    "鼓励高校院所与企业联合组建创新联合体。",
    "支持首台（套）装备、首批次材料和首版次软件推广应用。",
    "对符合条件的项目按研发投入的一定比例给予资助。",
    "建立企业出题、院所答题、政府助题的协同机制。",
    "完善技术经理人队伍建设和成果评价体系。",
    "推动大型科研仪器设施开放共享。",
    "打造概念验证、中试熟化和产业化全链条服务。",
    "引导社会资本投早、投小、投科技。",
    "强化知识产权创造、保护和运用。",
    "依托科创集市开展常态化供需对接。",
    "推进跨城市科技创新券互认互通。",
]
TITLE_SUFFIX: dict[type[SQLModel], list[str]] = {
    Demand: ["技术攻关", "联合研发需求", "成果转化需求", "技术咨询"],
    Achievement: ["关键技术", "制备工艺", "成套装备", "系统及方法"],
    Job: ["研发工程师", "工艺工程师", "测试工程师", "产品经理", "项目经理"],
    FinancingNeed: ["产业化项目融资", "中试线建设融资", "扩产项目融资"],
    TalentService: ["人才服务", "人才补贴申领", "人才公寓申请", "专项培训"],
    TrainingProgramme: ["联合培养项目", "卓越工程师计划", "产教融合实训"],
    CooperationItem: ["产业链协同", "跨城联合攻关", "联合专场活动"],
    Event: ["专场路演", "供需对接会", "院所开放日", "科创集市"],
}

RESOURCE_SUFFIX = ["概念验证中心", "公共技术服务平台", "孵化器", "联合实验室"]
PRODUCT_NAMES = ["科技贷", "创新积分贷", "知识产权质押贷", "科技保险", "融资担保"]


def _values(enum: Any) -> list[str]:
    return [e.value for e in enum]


class Gen:
    """Row builders: one dict of column values per call, cheap enough for a million rows a minute."""

    def __init__(self, seed: int, token: str) -> None:
        self.r = random.Random(seed)
        self.token = token
        self.now = datetime.now(UTC)
        self.today = self.now.date()
        self.n = 0
        self.techs = [(ind, t) for ind, ts in TECH.items() for t in ts]

    def pick(self, seq: list[Any]) -> Any:
        return seq[int(self.r.random() * len(seq))]

    def text(self, k: int = 3) -> str:
        return "".join(self.pick(SENTENCES) for _ in range(k))

    def base(self) -> dict[str, Any]:
        self.n += 1
        r = self.r.random()
        city = CITY_CODES[int(r * 8)]
        ind, tech = self.pick(self.techs)
        published = self.now - timedelta(seconds=int(self.r.random() * 3 * 365 * 86400))
        state = int(self.r.random() * 100)
        return {
            "city_code": city,
            "source": "bureau" if state % 3 else "staff",
            "source_id": f"syn-{self.token}-{self.n}",
            "source_updated_at": None,
            "industry_code": ind,
            "industries": [ind],
            "view_count": int(self.r.random() ** 3 * 5000),
            "created_at": published,
            "updated_at": published,
            "publication": "draft" if state >= 97 else "published",
            "verification": "pending" if 93 <= state < 97 else "verified",
            "reject_reason": None,
            "published_at": published,
            "_tech": tech,
            "_city": SHORT[city],
        }

    def point(self, city: str) -> tuple[float, float]:
        lat, lng, dlat, dlng = CENTRE[city]
        return (
            round(lat + dlat * (self.r.random() - 0.5) * 0.6, 6),
            round(lng + dlng * (self.r.random() - 0.5) * 0.6, 6),
        )

    def day(self, lo: int, hi: int) -> date:
        return self.today + timedelta(days=lo + int(self.r.random() * (hi - lo)))

    def inst(self, city: str) -> str:
        return str(self.pick(CTX[city]["insts"])[0])

    def ent(self, city: str) -> str:
        return str(self.pick(CTX[city]["enterprises"]))

    def title(self, model: type[SQLModel], row: dict[str, Any]) -> str:
        return f"{row['_tech']}{self.pick(TITLE_SUFFIX[model])}"


def _policy(g: Gen, d: dict[str, Any]) -> None:
    valid_from = g.day(-900, 0)
    d.update(
        title=f"{d['_city']}关于{g.pick(VERBS)}{INDUSTRY[d['industry_code']]}{g.pick(ASPECTS)}的{g.pick(DOC_KINDS)}",
        doc_number=f"{CTX[d['city_code']]['doc']}〔{valid_from.year}〕{g.n % 200 + 1}号",
        issuer=CTX[d["city_code"]]["bureau"],
        level=g.pick(_values(PolicyLevel)),
        category=g.pick(_values(PolicyCategory)),
        support_mode="资金补贴、奖励",
        eligibility="在本市注册的企业、高校院所及新型研发机构",
        publish_date=valid_from,
        valid_from=valid_from,
        valid_to=valid_from + timedelta(days=365 * (1 + g.n % 3)),
        apply_deadline=g.day(-200, 200) if g.n % 4 else None,
        summary=g.text(2),
        full_text=g.text(6),
        source_url="https://kjj.example.gov.cn/",
        attachments=[],
    )


def _resource(g: Gen, d: dict[str, Any]) -> None:
    city = d["city_code"]
    kind = g.pick(_values(ResourceKind))
    inst = g.inst(city)
    lat, lng = g.point(city)
    district, road = g.pick(CTX[city]["places"])
    d.update(
        name=inst + INDUSTRY[d["industry_code"]] + RESOURCE_SUFFIX[g.n % 4],
        kind=kind,
        platform_level=g.pick(_values(PlatformLevel)) if kind in ("platform", "poc_center") else None,
        org_name=inst,
        org_credit_code=None,
        district=district,
        address=road,
        lat=lat,
        lng=lng,
        capabilities=f"{d['_tech']}研发与测试验证",
        open_services="设备共享、技术咨询、联合攻关",
        description=g.text(3),
        area_sqm=float(200 + g.n % 3000) if kind == "space" else None,
        rent_yuan_per_sqm_day=round(2 + g.r.random() * 4, 1) if kind == "space" else None,
        rent_free_terms="",
        contact_name=person(g.n)[0] + "老师",
        contact_phone=landline(city, g.n),
        website=None,
    )


def _tech_manager(g: Gen, d: dict[str, Any]) -> None:
    d.update(
        name=person(g.n),
        org_name=g.inst(d["city_code"]) + "技术转移中心",
        fields=[INDUSTRY[d["industry_code"]], d["_tech"]],
        certificate_no=f"JSJL-{g.n:07d}",
        bio=g.text(2),
        completed_count=g.n % 40,
        contact_phone=phone(g.n),
    )


def _alliance(g: Gen, d: dict[str, Any]) -> None:
    chain = g.pick(list(CHAIN_NAMES))
    lead = g.inst(d["city_code"])
    d.update(
        name=f"{d['_city']}{CHAIN_NAMES[chain]}产业链创新联盟（{g.n}）",
        chain_code=chain,
        lead_org=lead,
        description=g.text(2),
        members=[{"name": lead, "role": "牵头单位", "city": d["city_code"]}],
    )


def _fund(g: Gen, d: dict[str, Any]) -> None:
    d.update(
        name=f"{d['_city']}{INDUSTRY[d['industry_code']]}产业投资基金{g.n % 9 + 1}期",
        manager=f"{d['_city']}科创投资管理有限公司",
        size_yi_yuan=float(1 + g.n % 80),
        stages=g.r.sample(_values(FinanceStage), 2),
        description=g.text(2),
        contact_name=person(g.n),
        contact_phone=landline(d["city_code"], g.n),
    )


def _product(g: Gen, d: dict[str, Any]) -> None:
    kind = g.pick(_values(ProductType))
    d.update(
        name=f"{d['_city']}{PRODUCT_NAMES[g.n % 5]}{g.n % 50 + 1}号",
        product_type=kind,
        institution=CTX[d["city_code"]]["bank"],
        amount_max_wan_yuan=float(100 * (1 + g.n % 30)),
        rate_text="LPR起",
        term_text="1–3年",
        eligibility="科技型中小企业",
        description=g.text(2),
        contact_name=person(g.n),
        contact_phone=landline(d["city_code"], g.n),
    )


def _need(g: Gen, d: dict[str, Any]) -> None:
    d.update(
        title=g.title(FinancingNeed, d),
        org_id=None,
        org_name=g.ent(d["city_code"]),
        amount_wan_yuan=float(100 * (1 + g.n % 200)),
        stage=g.pick(_values(FinanceStage)),
        use_of_funds="研发投入与产能建设",
        description=g.text(3),
        contact_name=person(g.n),
        contact_phone=phone(g.n),
    )


def _station(g: Gen, d: dict[str, Any]) -> None:
    lat, lng = g.point(d["city_code"])
    d.update(
        name=f"{g.pick(CTX[d['city_code']]['parks'])}科技金融服务工作站{g.n % 20 + 1}",
        host_org=CTX[d["city_code"]]["bank"],
        address=g.pick(CTX[d["city_code"]]["places"])[1],
        lat=lat,
        lng=lng,
        services="融资诊断、银企对接",
        contact_name=person(g.n),
        contact_phone=landline(d["city_code"], g.n),
    )


def _talent_service(g: Gen, d: dict[str, Any]) -> None:
    d.update(
        title=f"{d['_city']}{g.title(TalentService, d)}",
        category=g.pick(_values(TalentServiceCategory)),
        provider=f"{d['_city']}人才服务中心",
        eligibility="在本市全职工作的人才",
        description=g.text(2),
        contact_name=person(g.n),
        contact_phone=landline(d["city_code"], g.n),
    )


def _job(g: Gen, d: dict[str, Any]) -> None:
    lo = 8 + g.n % 30
    d.update(
        title=f"{INDUSTRY[d['industry_code']]}{g.pick(TITLE_SUFFIX[Job])}",
        org_id=None,
        org_name=g.ent(d["city_code"]),
        salary_min_k=lo,
        salary_max_k=lo + 10,
        education=g.pick(["本科", "硕士", "博士", "大专"]),
        experience=g.pick(["不限", "1年以上", "3年以上", "5年以上"]),
        headcount=1 + g.n % 5,
        closing_date=g.day(-60, 120),
        description=g.text(3),
        contact_name=person(g.n),
        contact_phone=phone(g.n),
    )


def _expert(g: Gen, d: dict[str, Any]) -> None:
    d.update(
        name=person(g.n),
        title=g.pick(["教授", "研究员", "副教授", "高级工程师"]),
        affiliation=g.inst(d["city_code"]),
        fields=[INDUSTRY[d["industry_code"]], d["_tech"]],
        bio=g.text(2),
        achievements=g.text(1),
        contact_phone=phone(g.n),
    )


def _programme(g: Gen, d: dict[str, Any]) -> None:
    start = g.day(-300, 300)
    d.update(
        title=f"{g.inst(d['city_code'])}{INDUSTRY[d['industry_code']]}{g.title(TrainingProgramme, d)}",
        partners=[g.inst(d["city_code"]), g.ent(d["city_code"])],
        start_date=start,
        end_date=start + timedelta(days=730),
        capacity=10 + g.n % 40,
        description=g.text(2),
        contact_name=person(g.n),
        contact_phone=landline(d["city_code"], g.n),
    )


def _achievement(g: Gen, d: dict[str, Any]) -> None:
    d.update(
        title=g.title(Achievement, d),
        org_id=None,
        owner_name=g.inst(d["city_code"]),
        trl=1 + g.n % 9,
        ip_type=g.pick(_values(IpType)),
        transfer_modes=g.r.sample(_values(TransferMode), 1 + g.n % 2),
        price_wan_yuan=None if g.n % 3 == 0 else float(10 * (1 + g.n % 100)),
        description=g.text(4),
        media=[],
        contact_name=person(g.n),
        contact_phone=landline(d["city_code"], g.n),
    )


def _event(g: Gen, d: dict[str, Any]) -> None:
    lat, lng = g.point(d["city_code"])
    starts = g.now + timedelta(hours=int((g.r.random() - 0.6) * 24 * 400))
    d.update(
        title=f"{d['_city']}{INDUSTRY[d['industry_code']]}{g.title(Event, d)}",
        event_type=g.pick(_values(EventType)),
        organizer=CTX[d["city_code"]]["bureau"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=3) if g.n % 2 else None,
        registration_deadline=(starts - timedelta(days=2)).date(),
        venue=g.pick(CTX[d["city_code"]]["parks"]),
        address=g.pick(CTX[d["city_code"]]["places"])[1],
        lat=lat,
        lng=lng,
        capacity=50 + g.n % 300,
        registered_count=g.n % 50,
        description=g.text(2),
    )


def _cooperation(g: Gen, d: dict[str, Any]) -> None:
    other = g.pick(CITY_CODES)
    start = g.day(-700, 300)
    d.update(
        title=f"{d['_city']}—{SHORT[other]}{INDUSTRY[d['industry_code']]}{g.title(CooperationItem, d)}",
        coop_type=g.pick(_values(CooperationType)),
        tense=g.pick(_values(Tense)),
        partner_cities=[d["city_code"], other],
        lead_org=CTX[d["city_code"]]["bureau"],
        partners=[g.inst(d["city_code"]), g.inst(other)],
        start_date=start,
        end_date=start + timedelta(days=180),
        description=g.text(2),
    )


DEMAND_STATUSES = [s.value for s in DemandStatus]


def _demand(g: Gen, d: dict[str, Any]) -> None:
    state = g.n % 20
    status = "published" if state < 12 else DEMAND_STATUSES[state % len(DEMAND_STATUSES)]
    for k in ("publication", "verification", "reject_reason"):
        d.pop(k)
    chain = d["industry_code"] if d["industry_code"] in CHAIN_NAMES else None
    d.update(
        title=g.title(Demand, d),
        demand_type=g.pick(_values(DemandType)),
        status=status,
        chain_code=chain,
        chain_node_code=None,
        keywords=[d["_tech"][:4], INDUSTRY[d["industry_code"]]],
        description=g.text(4),
        tech_targets=g.text(1),
        expected_result="样机一套，发明专利两项",
        reward_wan_yuan=None if g.n % 5 == 0 else float(10 * (1 + g.n % 200)),
        reward_negotiable=g.n % 5 == 0,
        deadline=g.now + timedelta(days=int((g.r.random() - 0.3) * 300)),
        period_months=3 + g.n % 24,
        eligibility="高校院所或企业，可联合揭榜",
        org_id=None,
        org_name=g.ent(d["city_code"]),
        contact_name=person(g.n),
        contact_phone=phone(g.n),
        attachments=[],
        reject_reason=None,
        application_count=g.n % 7,
    )


BUILDERS: dict[type[SQLModel], Callable[[Gen, dict[str, Any]], None]] = {
    Policy: _policy,
    Resource: _resource,
    TechManager: _tech_manager,
    Alliance: _alliance,
    Fund: _fund,
    FinancialProduct: _product,
    FinancingNeed: _need,
    ServiceStation: _station,
    TalentService: _talent_service,
    Job: _job,
    Expert: _expert,
    TrainingProgramme: _programme,
    Achievement: _achievement,
    Event: _event,
    CooperationItem: _cooperation,
    Demand: _demand,
}


def rows(g: Gen, model: type[SQLModel], count: int) -> Iterator[dict[str, Any]]:
    build = BUILDERS[model]
    for _ in range(count):
        d = g.base()
        build(g, d)
        del d["_tech"], d["_city"]
        yield d


def split(count: int, tables: list[type[SQLModel]]) -> dict[type[SQLModel], int]:
    total = sum(WEIGHTS[m] for m in tables)
    shares = {m: count * WEIGHTS[m] // total for m in tables}
    shares[tables[0]] += count - sum(shares.values())
    return shares


def _columns(model: type[SQLModel]) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name != "id"]  # type: ignore[attr-defined,unused-ignore]


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list | dict):
        return json.dumps(v)
    return v


def _pg_value(v: Any) -> Any:
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The model's own defaults, for columns a generator does not set (added to the model after it was written)."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.default_factory is not None:
            out[name] = field.default_factory()  # type: ignore[call-arg]
        elif field.default is not PydanticUndefined:
            out[name] = field.default
    return out


def insert(engine: Engine, model: type[SQLModel], data: Iterator[dict[str, Any]], batch: int = 5000) -> int:
    cols = _columns(model)
    defaults = _defaults(model)
    data = ({**defaults, **d} for d in data)
    table = tname(model)
    written = 0
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            cur = raw.cursor()
            with cur.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as copy:
                for d in data:
                    copy.write_row([_pg_value(d[c]) for c in cols])
                    written += 1
        else:
            cur = raw.cursor()
            cur.execute("BEGIN IMMEDIATE")
            sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'  # nosec B608
            chunk: list[list[Any]] = []
            for d in data:
                chunk.append([_sqlite_value(d[c]) for c in cols])
                if len(chunk) >= batch:
                    cur.executemany(sql, chunk)
                    written += len(chunk)
                    chunk = []
            if chunk:
                cur.executemany(sql, chunk)
                written += len(chunk)
            cur.execute("COMMIT")
        raw.commit()
    finally:
        raw.close()
    return written


def analyze(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def generate(
    engine: Engine, count: int, tables: list[type[SQLModel]] | None = None, seed: int = 1, quiet: bool = True
) -> dict[str, int]:
    """Adds `count` synthetic rows spread over `tables` (all boards by default); returns rows per table."""
    tables = tables or list(WEIGHTS)
    g = Gen(seed, secrets.token_hex(3))
    done: dict[str, int] = {}
    for model, n in split(count, tables).items():
        t0 = time.perf_counter()
        done[tname(model)] = insert(engine, model, rows(g, model, n))
        if not quiet:
            print(f"  {tname(model):20s} {n:>9,d} rows in {time.perf_counter() - t0:6.1f} s", flush=True)
    analyze(engine)
    return done


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Add N synthetic board records to DATABASE_URL (for benchmarks).")
    p.add_argument("--count", type=int, required=True, help="how many records in all")
    p.add_argument("--tables", default="", help="comma-separated table names (default: every board table)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    try:
        tables = [BOARD_TABLES[t] for t in a.tables.split(",") if t] or None
    except KeyError as e:
        print(f"unknown table {e}; choose from {', '.join(BOARD_TABLES)}", file=sys.stderr)
        return 2
    engine = get_engine()
    t0 = time.perf_counter()
    done = generate(engine, a.count, tables, a.seed, quiet=False)
    dt = time.perf_counter() - t0
    total = sum(done.values())
    print(f"{total:,d} synthetic records in {dt:.1f} s ({total / dt:,.0f} rows/s) into {engine.url.render_as_string()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
