"""Reference data every installation needs: the eight cities, industries and the 产业链 taxonomy.

Loaded by `python -m app.seed` (idempotent: rows are merged by their code).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.cities.models import City, JumpType
from app.taxonomy.models import Chain, ChainNode, ChainStage, Industry

# GCJ-02 centres (the datum of WeChat's <map>) and generous boxes around each city's administrative area.
CITIES: list[dict[str, Any]] = [
    dict(
        code="putuo",
        name="上海市普陀区",
        short_name="普陀",
        province="上海市",
        sort=1,
        center_lat=31.2494,
        center_lng=121.3974,
        box=(0.06, 0.08),
        platform_name="普陀科创服务平台",
        jump_type=JumpType.webview,
        jump_url="https://www.shpt.gov.cn/",
        leading=["ai", "biomed", "new_material", "digital_economy"],
        intro="沿沪宁产业创新带的起点，“西大堂”；集聚16家部属、市属科研院所和华东师范大学、同济大学两所双一流高校。",
    ),
    dict(
        code="nanjing",
        name="南京市",
        short_name="南京",
        province="江苏省",
        sort=2,
        center_lat=32.0603,
        center_lng=118.7969,
        box=(0.75, 0.7),
        platform_name="南京科创云平台",
        jump_type=JumpType.copy,
        jump_url="https://kjj.nanjing.gov.cn/",
        leading=["ict", "ai", "biomed", "smart_grid"],
        intro="紫金山实验室所在地，高校和科研院所密集，软件和信息服务、智能电网产业领先。",
    ),
    dict(
        code="wuxi",
        name="无锡市",
        short_name="无锡",
        province="江苏省",
        sort=3,
        center_lat=31.4912,
        center_lng=120.3119,
        box=(0.45, 0.6),
        platform_name="无锡科创云平台",
        jump_type=JumpType.copy,
        jump_url="https://kjj.wuxi.gov.cn/",
        leading=["ic", "iot", "biomed", "high_end_equipment"],
        intro="物联网和集成电路重镇，无锡产业创新研究院推动成果转化。",
    ),
    dict(
        code="changzhou",
        name="常州市",
        short_name="常州",
        province="江苏省",
        sort=4,
        center_lat=31.8107,
        center_lng=119.9741,
        box=(0.45, 0.55),
        platform_name="常州科创云平台",
        jump_type=JumpType.copy,
        jump_url="https://kjj.changzhou.gov.cn/",
        leading=["new_energy", "new_material", "robotics", "high_end_equipment"],
        intro="“新能源之都”，动力电池、光伏和智能制造装备产业集聚。",
    ),
    dict(
        code="suzhou",
        name="苏州市",
        short_name="苏州",
        province="江苏省",
        sort=5,
        center_lat=31.2990,
        center_lng=120.5853,
        box=(0.6, 0.8),
        platform_name="苏州科技服务云",
        jump_type=JumpType.miniprogram,
        jump_app_id="wxdemo0000suzhou",
        jump_path="pages/index/index",
        leading=["biomed", "nano", "ai", "ic"],
        intro="姑苏实验室所在地，生物医药、纳米技术与应用、人工智能产业集群。",
    ),
    dict(
        code="nantong",
        name="南通市",
        short_name="南通",
        province="江苏省",
        sort=6,
        center_lat=31.9802,
        center_lng=120.8943,
        box=(0.6, 0.8),
        platform_name="南通科创云平台",
        jump_type=JumpType.copy,
        jump_url="https://kjj.nantong.gov.cn/",
        leading=["marine_equipment", "new_material", "textile", "high_end_equipment"],
        intro="船舶海工、高端纺织和新材料产业基础雄厚。",
    ),
    dict(
        code="zhenjiang",
        name="镇江市",
        short_name="镇江",
        province="江苏省",
        sort=7,
        center_lat=32.1878,
        center_lng=119.4250,
        box=(0.4, 0.5),
        platform_name="镇江科创云平台",
        jump_type=JumpType.copy,
        jump_url="https://kjj.zhenjiang.gov.cn/",
        leading=["new_material", "aviation", "smart_grid"],
        intro="新材料、航空航天和智能电气产业集聚。",
    ),
    dict(
        code="taizhou",
        name="泰州市",
        short_name="泰州",
        province="江苏省",
        sort=8,
        center_lat=32.4555,
        center_lng=119.9230,
        box=(0.5, 0.45),
        platform_name="泰州科创云平台",
        jump_type=JumpType.copy,
        jump_url="https://kjj.taizhou.gov.cn/",
        leading=["biomed", "new_energy", "marine_equipment"],
        intro="“中国医药城”，大健康、新能源和船舶海工产业特色鲜明。",
    ),
]

INDUSTRIES: list[tuple[str, str]] = [
    ("ai", "人工智能"),
    ("ic", "集成电路"),
    ("ict", "新一代信息技术"),
    ("iot", "物联网"),
    ("digital_economy", "数字经济"),
    ("biomed", "生物医药"),
    ("medical_device", "医疗器械"),
    ("new_energy", "新能源"),
    ("new_material", "新材料"),
    ("nano", "纳米技术"),
    ("robotics", "机器人"),
    ("high_end_equipment", "高端装备"),
    ("smart_grid", "智能电网"),
    ("marine_equipment", "船舶海工"),
    ("aviation", "航空航天"),
    ("textile", "高端纺织"),
    ("geo_info", "地理信息"),
    ("forensics", "司法鉴定"),
    ("green_lowcarbon", "绿色低碳"),
    ("chemicals", "精细化工"),
]

# The five 一院一链 chains of seed 003, each with nodes from upstream to downstream.
CHAINS: list[dict[str, Any]] = [
    dict(
        code="new_energy",
        name="新能源",
        industry="new_energy",
        description="光伏、动力与储能电池、氢能及新型电力系统",
        nodes=[
            ("upstream", "锂电材料"),
            ("upstream", "光伏硅料"),
            ("midstream", "电芯与电池包"),
            ("midstream", "光伏组件"),
            ("midstream", "氢燃料电池"),
            ("downstream", "储能系统"),
            ("downstream", "充换电与新能源汽车"),
        ],
    ),
    dict(
        code="new_material",
        name="新材料",
        industry="new_material",
        description="高分子、石墨烯、碳纤维与先进催化材料",
        nodes=[
            ("upstream", "基础化工原料"),
            ("upstream", "催化剂"),
            ("midstream", "高性能聚烯烃"),
            ("midstream", "石墨烯与碳材料"),
            ("midstream", "复合材料"),
            ("downstream", "新材料应用验证"),
        ],
    ),
    dict(
        code="forensics",
        name="司法鉴定",
        industry="forensics",
        description="法医、物证与电子数据鉴定的技术与装备",
        nodes=[
            ("upstream", "检测试剂与仪器"),
            ("midstream", "物证鉴定技术"),
            ("midstream", "电子数据取证"),
            ("downstream", "鉴定服务"),
        ],
    ),
    dict(
        code="robotics",
        name="机器人",
        industry="robotics",
        description="核心零部件、本体与系统集成",
        nodes=[
            ("upstream", "减速器与伺服电机"),
            ("upstream", "控制器与传感器"),
            ("midstream", "工业机器人本体"),
            ("midstream", "服务与特种机器人"),
            ("downstream", "智能制造系统集成"),
        ],
    ),
    dict(
        code="geo_info",
        name="地理信息测绘",
        industry="geo_info",
        description="测绘装备、遥感数据与空间信息服务",
        nodes=[
            ("upstream", "测绘与定位装备"),
            ("midstream", "遥感与数据处理"),
            ("midstream", "三维建模与数字孪生"),
            ("downstream", "空间信息应用服务"),
        ],
    ),
    dict(
        code="ic",
        name="集成电路",
        industry="ic",
        description="设计、制造、封测与装备材料",
        nodes=[
            ("upstream", "半导体材料与装备"),
            ("midstream", "芯片设计"),
            ("midstream", "晶圆制造"),
            ("downstream", "封装测试"),
        ],
    ),
    dict(
        code="biomed",
        name="生物医药",
        industry="biomed",
        description="创新药、医疗器械与医药服务",
        nodes=[
            ("upstream", "原料药与试剂"),
            ("midstream", "创新药研发"),
            ("midstream", "医疗器械"),
            ("downstream", "临床与医药服务"),
        ],
    ),
]


def city_box(c: dict[str, Any]) -> dict[str, float]:
    dlat, dlng = c["box"]
    return dict(
        bbox_min_lat=round(c["center_lat"] - dlat, 4),
        bbox_max_lat=round(c["center_lat"] + dlat, 4),
        bbox_min_lng=round(c["center_lng"] - dlng, 4),
        bbox_max_lng=round(c["center_lng"] + dlng, 4),
    )


def load_reference(session: Session) -> None:
    for c in CITIES:
        session.merge(
            City(
                code=c["code"],
                name=c["name"],
                short_name=c["short_name"],
                province=c["province"],
                sort=c["sort"],
                center_lat=c["center_lat"],
                center_lng=c["center_lng"],
                **city_box(c),
                platform_name=c["platform_name"],
                jump_type=c["jump_type"],
                jump_app_id=c.get("jump_app_id"),
                jump_path=c.get("jump_path"),
                jump_url=c.get("jump_url"),
                leading_industries=c["leading"],
                intro=c["intro"],
            )
        )
    for i, (code, name) in enumerate(INDUSTRIES):
        session.merge(Industry(code=code, name=name, sort=i))
    session.flush()
    for i, ch in enumerate(CHAINS):
        session.merge(
            Chain(
                code=ch["code"],
                name=ch["name"],
                industry_code=ch["industry"],
                description=ch["description"],
                sort=i,
            )
        )
        session.flush()
        for j, (stage, name) in enumerate(ch["nodes"]):
            session.merge(
                ChainNode(
                    code=f"{ch['code']}.{j + 1}",
                    chain_code=ch["code"],
                    name=name,
                    stage=ChainStage(stage),
                    sort=j,
                )
            )
    session.flush()
