from __future__ import annotations

from pydantic import Field

from app.boards.finance.models import FinanceStage, ProductType
from app.core.listing import ListQuery, Sort
from app.core.schemas import MaskedPhone, RecordPublic


class FundQuery(ListQuery):
    stage: FinanceStage | None = Field(default=None, description="投资阶段：基金的投资阶段包含此项")
    manager: str | None = Field(default=None, min_length=1, max_length=64, description="管理机构关键词")
    sort: Sort = Sort.newest


class FundSummary(RecordPublic):
    name: str
    manager: str = Field(description="管理机构")
    size_yi_yuan: float | None = Field(description="规模，亿元")
    stages: list[FinanceStage] = Field(description="投资阶段")


class FundPublic(FundSummary):
    description: str
    contact_name: str
    contact_phone: MaskedPhone


class FinancialProductQuery(ListQuery):
    product_type: ProductType | None = Field(default=None, description="产品类型")
    sort: Sort = Sort.newest


class FinancialProductSummary(RecordPublic):
    name: str
    product_type: ProductType
    institution: str = Field(description="银行或保险机构")
    amount_max_wan_yuan: float | None = Field(description="最高额度，万元")
    rate_text: str = Field(description="利率/费率")
    term_text: str = Field(description="期限")


class FinancialProductPublic(FinancialProductSummary):
    eligibility: str = Field(description="申请条件")
    description: str
    contact_name: str
    contact_phone: MaskedPhone


class FinancingNeedQuery(ListQuery):
    stage: FinanceStage | None = Field(default=None, description="企业所处阶段")
    sort: Sort = Sort.newest


class FinancingNeedSummary(RecordPublic):
    title: str
    org_name: str
    amount_wan_yuan: float | None = Field(description="融资金额，万元")
    stage: FinanceStage


class FinancingNeedPublic(FinancingNeedSummary):
    use_of_funds: str = Field(description="资金用途")
    description: str
    contact_name: str
    contact_phone: MaskedPhone


class ServiceStationQuery(ListQuery):
    sort: Sort = Sort.newest


class ServiceStationSummary(RecordPublic):
    name: str
    host_org: str = Field(description="依托单位")
    address: str
    lat: float | None = Field(description="纬度（GCJ-02）")
    lng: float | None = Field(description="经度（GCJ-02）")


class ServiceStationPublic(ServiceStationSummary):
    services: str = Field(description="服务内容")
    contact_name: str
    contact_phone: MaskedPhone
