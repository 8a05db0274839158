"""Every table staff edit in the console: its board, its Chinese name, its title column and its choice fields.

The edit form of each is derived from the table's own columns (types and lengths), validated by a request model
built from them with `extra="forbid"`: system columns (status, review, source, counters, timestamps) are never
in a form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.boards.finance.models import (
    FinanceStage,
    FinancialProduct,
    FinancingNeed,
    Fund,
    ProductType,
    ServiceStation,
)
from app.boards.policy.models import Policy, PolicyCategory, PolicyLevel
from app.boards.resources.models import PlatformLevel, Resource, ResourceKind
from app.boards.showcase.models import Achievement, Event, EventType, IpType, TransferMode
from app.boards.talent.models import Expert, Job, TalentService, TalentServiceCategory, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.cooperation.models import CooperationItem, CooperationType, Tense
from app.core.schemas import CityCode


@dataclass(frozen=True)
class Editable:
    key: str  # the table name, used in URLs
    board: str
    name: str
    model: Any
    title: str = "title"
    choices: dict[str, type[StrEnum]] = field(default_factory=dict)
    # Long texts get a textarea; everything else is derived from the column type.
    textareas: tuple[str, ...] = ()


BOARD_NAMES = {
    "policy": "政策发布",
    "resources": "资源共享",
    "tech": "技术对接",
    "finance": "金融服务",
    "talent": "人才交流",
    "showcase": "成果展示",
    "cooperation": "合作清单",
}

_LONG = (
    "summary",
    "full_text",
    "eligibility",
    "description",
    "capabilities",
    "open_services",
    "bio",
    "achievements",
    "services",
    "use_of_funds",
)

EDITABLES: list[Editable] = [
    Editable("policy", "policy", "政策", Policy, choices={"level": PolicyLevel, "category": PolicyCategory}),
    Editable(
        "resource",
        "resources",
        "资源",
        Resource,
        title="name",
        choices={"kind": ResourceKind, "platform_level": PlatformLevel},
    ),
    Editable("techmanager", "tech", "技术经理人", TechManager, title="name"),
    Editable("alliance", "tech", "链式联盟", Alliance, title="name"),
    Editable("fund", "finance", "基金", Fund, title="name", choices={"stages": FinanceStage}),
    Editable(
        "financialproduct",
        "finance",
        "金融产品",
        FinancialProduct,
        title="name",
        choices={"product_type": ProductType},
    ),
    Editable("financingneed", "finance", "融资需求", FinancingNeed, choices={"stage": FinanceStage}),
    Editable("servicestation", "finance", "科技金融服务工作站", ServiceStation, title="name"),
    Editable("talentservice", "talent", "人才服务", TalentService, choices={"category": TalentServiceCategory}),
    Editable("job", "talent", "招聘岗位", Job),
    Editable("expert", "talent", "专家", Expert, title="name"),
    Editable("trainingprogramme", "talent", "联合培养", TrainingProgramme),
    Editable(
        "achievement",
        "showcase",
        "科技成果",
        Achievement,
        choices={"ip_type": IpType, "transfer_modes": TransferMode},
    ),
    Editable("event", "showcase", "活动", Event, choices={"event_type": EventType}),
    Editable(
        "cooperationitem",
        "cooperation",
        "合作事项",
        CooperationItem,
        choices={"coop_type": CooperationType, "tense": Tense, "partner_cities": CityCode},
    ),
]
for _e in EDITABLES:
    object.__setattr__(_e, "textareas", tuple(f for f in _LONG if f in _e.model.model_fields))

BY_KEY = {e.key: e for e in EDITABLES}

# Columns no form ever carries: set by the system, the review or the owner.
SYSTEM_FIELDS = {
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
    "registered_count",
}

FIELD_LABELS = {
    "title": "标题",
    "name": "名称",
    "doc_number": "文号",
    "issuer": "发文单位",
    "level": "级别",
    "category": "类别",
    "support_mode": "支持方式",
    "eligibility": "申报对象/条件",
    "publish_date": "发布日期",
    "valid_from": "有效期起",
    "valid_to": "有效期止",
    "apply_deadline": "申报截止",
    "summary": "摘要",
    "full_text": "全文",
    "source_url": "来源网址",
    "attachments": "附件（JSON）",
    "kind": "类型",
    "platform_level": "平台级别",
    "org_name": "所属单位",
    "org_credit_code": "统一社会信用代码",
    "district": "区县",
    "address": "地址",
    "lat": "纬度（GCJ-02）",
    "lng": "经度（GCJ-02）",
    "capabilities": "能力",
    "open_services": "开放服务",
    "description": "简介",
    "area_sqm": "面积（平方米）",
    "rent_yuan_per_sqm_day": "租金（元/平方米·天）",
    "rent_free_terms": "免租条款",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "website": "网址",
    "manager": "管理人",
    "size_yi_yuan": "规模（亿元）",
    "stages": "投资阶段",
    "product_type": "产品类型",
    "institution": "金融机构",
    "amount_max_wan_yuan": "最高额度（万元）",
    "rate_text": "利率",
    "term_text": "期限",
    "amount_wan_yuan": "金额（万元）",
    "stage": "阶段",
    "use_of_funds": "资金用途",
    "host_org": "承办单位",
    "services": "服务内容",
    "provider": "提供方",
    "salary_min_k": "月薪下限（千元）",
    "salary_max_k": "月薪上限（千元）",
    "education": "学历",
    "experience": "经验",
    "headcount": "人数",
    "closing_date": "截止日期",
    "affiliation": "所在单位",
    "fields": "领域",
    "bio": "个人简介",
    "achievements": "主要成果",
    "partners": "合作方",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "capacity": "名额",
    "certificate_no": "证书编号",
    "completed_count": "已促成项目数",
    "chain_code": "产业链",
    "lead_org": "牵头单位",
    "members": "成员（JSON）",
    "owner_name": "权利人",
    "trl": "技术成熟度（1–9）",
    "ip_type": "知识产权类型",
    "transfer_modes": "转化方式",
    "price_wan_yuan": "价格（万元，空为面议）",
    "media": "图片视频（JSON）",
    "event_type": "活动类型",
    "organizer": "主办方",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "registration_deadline": "报名截止",
    "venue": "场馆",
    "coop_type": "合作类型",
    "tense": "时态",
    "partner_cities": "合作城市",
    "industry_code": "行业",
    "industries": "行业标签",
    "city_code": "城市",
}


def editable(key: str) -> Editable:
    from app.core.errors import NotFound

    entry = BY_KEY.get(key)
    if entry is None:
        raise NotFound("没有这个栏目", code="board_not_found")
    return entry
