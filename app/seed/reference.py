"""Reference data every installation needs: the eight cities, industries and the 产业链 taxonomy.

Loaded by `python -m app.seed` (idempotent: rows are merged by their code).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.cities.models import City, JumpType
from app.taxonomy.models import Chain, ChainLink, ChainNode, ChainStage, Industry

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


# 产业链上下游: (upstream node, downstream node, what flows), by "chain:node name"; within a chain and across chains.
CHAIN_LINKS: list[tuple[str, str, str]] = [
    ("new_energy:锂电材料", "new_energy:电芯与电池包", "正负极与电解液"),
    ("new_energy:光伏硅料", "new_energy:光伏组件", "硅片与电池片"),
    ("new_energy:电芯与电池包", "new_energy:储能系统", "电芯"),
    ("new_energy:电芯与电池包", "new_energy:充换电与新能源汽车", "动力电池"),
    ("new_energy:光伏组件", "new_energy:储能系统", "光储一体"),
    ("new_energy:氢燃料电池", "new_energy:充换电与新能源汽车", "燃料电池系统"),
    ("new_material:基础化工原料", "new_material:高性能聚烯烃", "单体"),
    ("new_material:催化剂", "new_material:高性能聚烯烃", "聚合催化剂"),
    ("new_material:基础化工原料", "new_material:复合材料", "树脂"),
    ("new_material:高性能聚烯烃", "new_material:新材料应用验证", "材料样品"),
    ("new_material:石墨烯与碳材料", "new_material:复合材料", "增强填料"),
    ("new_material:复合材料", "new_material:新材料应用验证", "构件"),
    ("new_material:石墨烯与碳材料", "new_energy:锂电材料", "导电剂与负极"),
    ("new_material:高性能聚烯烃", "new_energy:锂电材料", "隔膜基料"),
    ("forensics:检测试剂与仪器", "forensics:物证鉴定技术", "试剂与仪器"),
    ("forensics:物证鉴定技术", "forensics:鉴定服务", "鉴定方法"),
    ("forensics:电子数据取证", "forensics:鉴定服务", "取证工具"),
    ("robotics:减速器与伺服电机", "robotics:工业机器人本体", "核心零部件"),
    ("robotics:控制器与传感器", "robotics:工业机器人本体", "控制系统"),
    ("robotics:控制器与传感器", "robotics:服务与特种机器人", "感知与控制"),
    ("robotics:工业机器人本体", "robotics:智能制造系统集成", "机器人整机"),
    ("robotics:服务与特种机器人", "robotics:智能制造系统集成", "特种作业"),
    ("geo_info:测绘与定位装备", "geo_info:遥感与数据处理", "观测数据"),
    ("geo_info:遥感与数据处理", "geo_info:三维建模与数字孪生", "处理后数据"),
    ("geo_info:三维建模与数字孪生", "geo_info:空间信息应用服务", "三维模型"),
    ("geo_info:遥感与数据处理", "geo_info:空间信息应用服务", "专题数据"),
    ("ic:半导体材料与装备", "ic:晶圆制造", "材料与设备"),
    ("ic:芯片设计", "ic:晶圆制造", "版图"),
    ("ic:晶圆制造", "ic:封装测试", "晶圆"),
    ("ic:封装测试", "robotics:控制器与传感器", "芯片"),
    ("ic:封装测试", "new_energy:储能系统", "电源管理芯片"),
    ("biomed:原料药与试剂", "biomed:创新药研发", "原料与试剂"),
    ("biomed:创新药研发", "biomed:临床与医药服务", "候选药物"),
    ("biomed:医疗器械", "biomed:临床与医药服务", "器械"),
    ("forensics:检测试剂与仪器", "biomed:临床与医药服务", "检测试剂"),
]


# Words that place a text on a chain node (besides the node's own name), for matching: "chain:node name" → terms.
NODE_TERMS: dict[str, list[str]] = {
    "new_energy:锂电材料": ["正极", "负极", "电解液", "隔膜", "锂电材料", "硅碳", "磷酸铁锂", "三元材料", "固态电解质"],
    "new_energy:光伏硅料": ["多晶硅", "硅片", "单晶硅", "硅料"],
    "new_energy:电芯与电池包": ["电芯", "电池包", "动力电池", "固态电池", "钠离子电池", "电池管理", "热失控"],
    "new_energy:光伏组件": ["光伏组件", "钙钛矿", "异质结", "太阳能电池", "叠层电池"],
    "new_energy:氢燃料电池": ["燃料电池", "氢能", "电堆", "质子交换膜", "制氢"],
    "new_energy:储能系统": ["储能", "储能电站", "电网调峰", "液流电池"],
    "new_energy:充换电与新能源汽车": ["充电桩", "换电", "新能源汽车", "电驱", "快充"],
    "new_material:基础化工原料": ["单体", "乙烯", "丙烯", "化工原料"],
    "new_material:催化剂": ["催化剂", "催化", "茂金属", "分子筛"],
    "new_material:高性能聚烯烃": ["聚烯烃", "聚乙烯", "聚丙烯", "poe", "超高分子量"],
    "new_material:石墨烯与碳材料": ["石墨烯", "碳纤维", "碳纳米管", "导热膜", "碳材料"],
    "new_material:复合材料": ["复合材料", "树脂基", "预浸料", "轻量化"],
    "new_material:新材料应用验证": ["应用验证", "性能评价", "首批次", "材料测试"],
    "forensics:检测试剂与仪器": ["检测试剂", "质谱", "色谱", "试剂盒", "检测仪器"],
    "forensics:物证鉴定技术": ["物证", "dna", "痕迹", "毒物", "法医"],
    "forensics:电子数据取证": ["电子数据", "取证", "数据恢复", "手机取证"],
    "forensics:鉴定服务": ["司法鉴定", "鉴定机构", "鉴定服务"],
    "robotics:减速器与伺服电机": ["减速器", "伺服", "电机", "谐波", "rv减速"],
    "robotics:控制器与传感器": ["控制器", "传感器", "力矩传感", "视觉传感", "编码器"],
    "robotics:工业机器人本体": ["工业机器人", "机械臂", "协作机器人", "焊接机器人"],
    "robotics:服务与特种机器人": ["服务机器人", "特种机器人", "巡检机器人", "水下机器人", "四足"],
    "robotics:智能制造系统集成": ["系统集成", "智能产线", "数字化车间", "柔性制造"],
    "geo_info:测绘与定位装备": ["测绘装备", "北斗", "定位", "激光雷达", "gnss"],
    "geo_info:遥感与数据处理": ["遥感", "影像", "卫星", "点云", "数据处理"],
    "geo_info:三维建模与数字孪生": ["三维建模", "数字孪生", "实景三维", "bim"],
    "geo_info:空间信息应用服务": ["空间信息", "地理信息服务", "gis", "智慧城市"],
    "ic:半导体材料与装备": ["光刻胶", "靶材", "刻蚀", "半导体材料", "外延", "碳化硅", "sic", "氮化镓", "gan"],
    "ic:芯片设计": ["芯片设计", "eda", "soc", "射频芯片", "毫米波", "28ghz", "5g"],
    "ic:晶圆制造": ["晶圆", "流片", "工艺制程", "代工"],
    "ic:封装测试": ["封装", "封测", "芯片测试", "先进封装", "失效分析"],
    "biomed:原料药与试剂": ["原料药", "试剂", "中间体", "培养基"],
    "biomed:创新药研发": ["创新药", "抗体", "药物筛选", "靶点", "临床前"],
    "biomed:医疗器械": ["医疗器械", "影像设备", "植入", "体外诊断", "介入"],
    "biomed:临床与医药服务": ["临床试验", "cro", "医药服务", "临床研究"],
}


def node_code(ref: str) -> str:
    """ "chain:node name" → the node's code (chain code + its 1-based position)."""
    chain_code, name = ref.split(":", 1)
    chain = next(c for c in CHAINS if c["code"] == chain_code)
    position = next(i for i, (_, n) in enumerate(chain["nodes"]) if n == name)
    return f"{chain_code}.{position + 1}"


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
    for up, down, note in CHAIN_LINKS:
        session.merge(ChainLink(upstream_code=node_code(up), downstream_code=node_code(down), note=note))
    session.flush()
