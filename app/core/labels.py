"""Chinese labels of every enum a visitor filters by, in one place, for the filter chips of the mini-program.

Served by `GET /api/v1/dictionaries`; a test checks that every member of every enum here has its label.
"""

from __future__ import annotations

from enum import StrEnum

from app.boards.finance.models import FinanceStage, ProductType
from app.boards.policy.models import PolicyCategory, PolicyLevel
from app.boards.resources.models import PlatformLevel, ResourceKind
from app.boards.showcase.models import EventType, IpType, TransferMode
from app.boards.talent.models import TalentServiceCategory
from app.cooperation.models import CooperationType, Tense
from app.core.listing import DeadlineSort, Sort
from app.core.schemas import CityCode
from app.core.validity import Validity
from app.demands.models import DemandType

LABELS: dict[type[StrEnum], dict[str, str]] = {
    CityCode: {
        "putuo": "普陀",
        "nanjing": "南京",
        "wuxi": "无锡",
        "changzhou": "常州",
        "suzhou": "苏州",
        "nantong": "南通",
        "zhenjiang": "镇江",
        "taizhou": "泰州",
    },
    Sort: {"newest": "最新", "popular": "最热"},
    DeadlineSort: {"newest": "最新", "deadline": "即将截止", "popular": "最热"},
    Validity: {"valid": "有效", "expired": "失效"},
    PolicyLevel: {"national": "国家级", "province": "省级", "city": "市级", "district": "区级"},
    PolicyCategory: {
        "subsidy": "资金补贴",
        "talent": "人才",
        "tax": "税收",
        "carrier": "载体",
        "finance": "金融",
        "innovation": "科技创新",
        "ip": "知识产权",
    },
    ResourceKind: {
        "university": "高校",
        "institute": "科研院所",
        "platform": "科研平台",
        "poc_center": "概念验证中心",
        "incubator": "孵化器/众创空间",
        "park": "科技园区",
        "instrument": "大型仪器",
        "space": "载体空间",
    },
    PlatformLevel: {"national": "国家级", "municipal": "市级", "district": "区级"},
    DemandType: {"tackling": "技术攻关", "transfer": "成果转化", "joint_rd": "联合研发", "consulting": "技术咨询"},
    FinanceStage: {
        "seed": "种子期",
        "angel": "天使轮",
        "a": "A轮",
        "b": "B轮",
        "growth": "成长期",
        "pre_ipo": "Pre-IPO",
    },
    ProductType: {
        "tech_loan": "科技贷",
        "credit_score_loan": "创新积分贷",
        "ip_pledge": "知识产权质押",
        "insurance": "科技保险",
        "guarantee": "融资担保",
    },
    TalentServiceCategory: {
        "settlement": "落户",
        "housing": "人才公寓",
        "training": "培训",
        "subsidy": "人才补贴",
        "policy": "人才政策",
    },
    IpType: {
        "invention_patent": "发明专利",
        "utility_patent": "实用新型",
        "design_patent": "外观设计",
        "software": "软件著作权",
        "ic_layout": "集成电路布图",
        "know_how": "技术秘密",
    },
    TransferMode: {"transfer": "转让", "license": "许可", "equity": "作价入股", "joint": "合作开发"},
    EventType: {
        "fair": "科创集市",
        "open_day": "院所开放日",
        "roadshow": "路演",
        "summit": "峰会/大汇",
        "salon": "沙龙/对接会",
    },
    CooperationType: {"chain": "产业链合作", "cross_city": "跨区域业务", "joint_event": "联合活动"},
    Tense: {"past": "过去时", "present": "进行时", "future": "未来时"},
}


def label(member: StrEnum) -> str:
    return LABELS[type(member)][member.value]


def options(enum: type[StrEnum]) -> list[dict[str, str]]:
    """[{value, label}] in the enum's own order."""
    return [{"value": m.value, "label": LABELS[enum][m.value]} for m in enum]


# The dictionaries served to the mini-program, by the name of the query parameter family they fill.
DICTIONARIES: dict[str, type[StrEnum]] = {
    "city": CityCode,
    "sort": Sort,
    "deadline_sort": DeadlineSort,
    "validity": Validity,
    "policy_level": PolicyLevel,
    "policy_category": PolicyCategory,
    "resource_kind": ResourceKind,
    "platform_level": PlatformLevel,
    "demand_type": DemandType,
    "finance_stage": FinanceStage,
    "product_type": ProductType,
    "talent_category": TalentServiceCategory,
    "ip_type": IpType,
    "transfer_mode": TransferMode,
    "event_type": EventType,
    "cooperation_type": CooperationType,
    "tense": Tense,
}
