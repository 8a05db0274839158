"""Demo records for every board in all eight cities. Idempotent: a record is keyed by (city, source_id).

Real institutions of the alliance (from the commission's answers in the seeds) where they fit; enterprises and
people are invented. Dates are relative to today, so deadlines lie ahead and lists are never empty. Every record is
published and verified (source `staff`), every point is GCJ-02 inside its city's box.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, SQLModel, select

from app.boards.finance.models import FinancialProduct, FinancingNeed, Fund, ServiceStation
from app.boards.policy.models import Policy
from app.boards.resources.models import Resource
from app.boards.showcase.models import Achievement, Event
from app.boards.talent.models import Expert, Job, TalentService, TrainingProgramme
from app.boards.tech.models import Alliance, TechManager
from app.cooperation.models import CooperationItem
from app.core.models import Publication, RecordSource, Verification, utcnow
from app.core.timeutil import today_cn
from app.demands.models import Demand, DemandStatus
from app.home.models import Banner
from app.orgs.models import Organization
from app.seed.ids import make_uscc
from app.seed.reference import CITIES, INDUSTRIES

SOURCE_PREFIX = "demo-"
PER_CITY = 4  # records per city and table: 8 cities × 4 = 32 per list

INDUSTRY_NAME = dict(INDUSTRIES)
CITY = {c["code"]: c for c in CITIES}

# Per city: 行政区划代码, districts with a street address each, institutions (name, org type), parks, enterprises,
# the bureau, a bank branch and the prefix of the bureau's document numbers.
CTX: dict[str, dict[str, Any]] = {
    "putuo": dict(
        division="310107",
        doc="普科委",
        bureau="上海市普陀区科学技术委员会",
        places=[
            ("长征镇", "中山北路3663号"),
            ("长风新村街道", "金沙江路1006号"),
            ("宜川路街道", "武宁路509号"),
            ("桃浦镇", "真南路822弄"),
            ("真如镇街道", "铜川路68号"),
        ],
        insts=[
            ("华东师范大学", "university"),
            ("同济大学", "university"),
            ("上海化工研究院有限公司", "institute"),
            ("上海电器科学研究所（集团）有限公司", "institute"),
        ],
        parks=["武宁科技园", "长风科技园", "上海天地软件园", "中以（上海）创新园"],
        enterprises=[
            "上海武宁智能装备有限公司",
            "上海真如数智科技有限公司",
            "上海桃浦新材料科技有限公司",
            "上海长风生物医药科技有限公司",
        ],
        bank="上海农商银行普陀支行",
    ),
    "nanjing": dict(
        division="320100",
        doc="宁科",
        bureau="南京市科学技术局",
        places=[
            ("玄武区", "紫金山路1号"),
            ("江宁区", "秣周东路9号"),
            ("鼓楼区", "汉口路22号"),
            ("栖霞区", "仙林大道163号"),
            ("浦口区", "浦珠南路30号"),
        ],
        insts=[
            ("紫金山实验室", "institute"),
            ("南京大学", "university"),
            ("东南大学", "university"),
            ("南京工业大学", "university"),
        ],
        parks=["南京江北新区研创园", "徐庄软件园", "紫金山科技城", "江宁开发区"],
        enterprises=[
            "南京紫金智联通信有限公司",
            "南京江北芯微电子有限公司",
            "南京麒麟电网自动化有限公司",
            "南京鼓楼智慧医疗科技有限公司",
        ],
        bank="南京银行科技支行",
    ),
    "wuxi": dict(
        division="320200",
        doc="锡科规",
        bureau="无锡市科学技术局",
        places=[
            ("新吴区", "菱湖大道111号"),
            ("滨湖区", "蠡湖大道1800号"),
            ("梁溪区", "人民中路139号"),
            ("惠山区", "惠山大道1699号"),
            ("锡山区", "东亭路10号"),
        ],
        insts=[
            ("无锡产业创新研究院", "institute"),
            ("江南大学", "university"),
            ("中国船舶科学研究中心", "institute"),
            ("国家集成电路设计无锡产业化基地", "service"),
        ],
        parks=["无锡高新区物联网产业园", "无锡太湖湾科创城", "惠山经济开发区", "无锡蠡园开发区"],
        enterprises=[
            "无锡太湖芯测半导体有限公司",
            "无锡新吴物联科技有限公司",
            "无锡惠山智能装备有限公司",
            "无锡蠡湖生物技术有限公司",
        ],
        bank="江苏银行无锡分行",
    ),
    "changzhou": dict(
        division="320400",
        doc="常科发",
        bureau="常州市科学技术局",
        places=[
            ("武进区", "常武中路18号"),
            ("新北区", "太湖东路9号"),
            ("天宁区", "延陵东路388号"),
            ("溧阳市", "天目湖大道88号"),
            ("钟楼区", "延陵西路23号"),
        ],
        insts=[
            ("常州大学", "university"),
            ("天目湖先进储能技术研究院", "institute"),
            ("江苏理工学院", "university"),
            ("常州科教城", "service"),
        ],
        parks=["常州科教城", "武进国家高新区", "常州滨江经济开发区", "中以常州创新园"],
        enterprises=[
            "常州武进储能科技有限公司",
            "常州新北光伏材料有限公司",
            "常州天宁机器人有限公司",
            "常州溧阳锂电新能源有限公司",
        ],
        bank="江南农村商业银行科技支行",
    ),
    "suzhou": dict(
        division="320500",
        doc="苏科规",
        bureau="苏州市科学技术局",
        places=[
            ("苏州工业园区", "若水路398号"),
            ("虎丘区", "科灵路78号"),
            ("姑苏区", "干将东路333号"),
            ("吴中区", "东吴北路101号"),
            ("相城区", "澄阳路116号"),
        ],
        insts=[
            ("姑苏实验室", "institute"),
            ("苏州大学", "university"),
            ("中国科学院苏州纳米技术与纳米仿生研究所", "institute"),
            ("西交利物浦大学", "university"),
        ],
        parks=["苏州工业园区生物医药产业园", "苏州纳米城", "苏州高新区科技城", "相城区元和科创园"],
        enterprises=[
            "苏州园区纳微材料有限公司",
            "苏州姑苏智算科技有限公司",
            "苏州吴中医疗器械有限公司",
            "苏州相城数字科技有限公司",
        ],
        bank="苏州银行科技金融事业部",
    ),
    "nantong": dict(
        division="320600",
        doc="通科发",
        bureau="南通市科学技术局",
        places=[
            ("崇川区", "啬园路9号"),
            ("通州区", "世纪大道88号"),
            ("海门区", "长江南路1号"),
            ("南通开发区", "星湖大道1692号"),
            ("启东市", "江海中路58号"),
        ],
        insts=[
            ("南通大学", "university"),
            ("江苏省海洋工程装备技术研究院", "institute"),
            ("南通市产业技术研究院", "institute"),
            ("南通职业大学", "university"),
        ],
        parks=["南通创新区", "南通高新区", "海门港新区", "启东海工船舶工业园"],
        enterprises=[
            "南通江海重工装备有限公司",
            "南通崇川纺织新材料有限公司",
            "南通通州湾海洋科技有限公司",
            "南通星湖智能制造有限公司",
        ],
        bank="江苏银行南通分行",
    ),
    "zhenjiang": dict(
        division="321100",
        doc="镇科发",
        bureau="镇江市科学技术局",
        places=[
            ("京口区", "学府路301号"),
            ("润州区", "南徐大道60号"),
            ("丹阳市", "金陵西路1号"),
            ("镇江新区", "大港五峰山路8号"),
            ("句容市", "华阳北路2号"),
        ],
        insts=[
            ("江苏大学", "university"),
            ("江苏科技大学", "university"),
            ("镇江市产业技术研究院", "institute"),
            ("江苏镇江航空航天产业园", "service"),
        ],
        parks=["镇江高新区", "镇江新区新材料产业园", "镇江航空航天产业园", "丹阳眼镜产业园"],
        enterprises=[
            "镇江京口碳纤维科技有限公司",
            "镇江大港航空部件有限公司",
            "镇江润州智能电气有限公司",
            "丹阳光学新材料有限公司",
        ],
        bank="镇江农商银行科技支行",
    ),
    "taizhou": dict(
        division="321200",
        doc="泰科发",
        bureau="泰州市科学技术局",
        places=[
            ("医药高新区", "药城大道1号"),
            ("海陵区", "鼓楼南路189号"),
            ("姜堰区", "三水大道8号"),
            ("靖江市", "人民路128号"),
            ("泰兴市", "国庆东路18号"),
        ],
        insts=[
            ("中国医药城", "service"),
            ("泰州学院", "university"),
            ("南京中医药大学泰州研究院", "institute"),
            ("泰州市产业技术研究院", "institute"),
        ],
        parks=["中国医药城", "泰州医药高新区", "靖江经济技术开发区", "泰兴经济开发区"],
        enterprises=[
            "泰州药城生物制药有限公司",
            "泰州海陵新能源科技有限公司",
            "靖江船舶配套装备有限公司",
            "泰兴精细化学品有限公司",
        ],
        bank="泰州农商银行科技支行",
    ),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN = [
    "志强",
    "海燕",
    "建国",
    "晓明",
    "丽娟",
    "文博",
    "思远",
    "雅琴",
    "浩然",
    "静怡",
    "国华",
    "明轩",
    "玉兰",
    "子涵",
    "伟",
    "芳",
    "磊",
    "敏",
    "军",
    "洁",
    "涛",
    "勇",
    "艳",
    "杰",
]

# Technologies by industry: titles of achievements and demands that read like the real thing.
TECH: dict[str, list[str]] = {
    "ai": [
        "工业视觉缺陷检测大模型",
        "多模态医学影像辅助诊断系统",
        "面向政务的中文知识图谱构建",
        "边缘端轻量化推理加速",
    ],
    "ic": ["12英寸晶圆缺陷光学检测", "车规级MCU芯片设计", "先进封装硅通孔工艺", "射频前端滤波器芯片"],
    "ict": ["5G专网时间敏感网络", "低轨卫星通信终端天线", "工业互联网标识解析", "确定性网络交换芯片"],
    "iot": ["低功耗广域物联网模组", "智慧水务漏损监测", "冷链物流温湿度追溯", "建筑能耗物联网监测"],
    "digital_economy": ["数据资产登记与估值", "跨境电商智能客服", "城市数字孪生底座", "隐私计算数据共享平台"],
    "biomed": ["ADC抗体偶联药物连接子", "mRNA疫苗脂质纳米递送", "细胞治疗无血清培养基", "中药经典名方制剂工艺"],
    "medical_device": ["手术机器人力反馈控制", "可降解冠脉支架", "便携式超声成像探头", "连续血糖监测传感器"],
    "new_energy": ["固态电池电解质", "钠离子电池正极材料", "钙钛矿叠层光伏组件", "氢燃料电池膜电极"],
    "new_material": ["聚烯烃催化剂国产化", "石墨烯导热膜", "高性能碳纤维复合材料", "可降解生物基聚酯"],
    "nano": ["纳米压印光刻胶", "量子点显示材料", "纳米银导电墨水", "纳米纤维空气过滤膜"],
    "robotics": ["协作机器人关节模组", "RV减速器精密加工", "巡检机器人自主导航", "柔性抓取末端执行器"],
    "high_end_equipment": ["五轴数控机床热误差补偿", "高速精密主轴", "大型铸件增材修复", "智能产线数字孪生调试"],
    "smart_grid": ["配电网故障定位与自愈", "电力设备局部放电在线监测", "虚拟电厂聚合调度", "特高压套管绝缘材料"],
    "marine_equipment": ["深远海养殖工船", "LNG船殷瓦钢焊接", "海上风电安装平台桩腿", "船舶压载水处理"],
    "aviation": ["航空发动机叶片涂层", "无人机复合材料机翼", "机载线缆轻量化", "航空铝合金精密锻造"],
    "textile": ["功能性防护面料", "再生涤纶纤维", "智能温控纺织品", "印染废水零排放"],
    "geo_info": ["实景三维城市建模", "北斗高精度形变监测", "遥感影像变化检测", "地下管网探测"],
    "forensics": ["微量物证光谱鉴定", "电子数据取证恢复", "法医DNA快速检测", "声纹鉴定算法"],
    "green_lowcarbon": ["工业余热回收利用", "二氧化碳捕集与利用", "园区碳排放核算平台", "光储充一体化微网"],
    "chemicals": ["电子级湿化学品提纯", "连续流微反应合成", "环保型水性涂料", "高纯氟化工中间体"],
}

CHAIN_NAMES = {
    "new_energy": "新能源",
    "new_material": "新材料",
    "forensics": "司法鉴定",
    "robotics": "机器人",
    "geo_info": "地理信息测绘",
    "ic": "集成电路",
    "biomed": "生物医药",
}


def person(n: int) -> str:
    return SURNAMES[n * 7 % len(SURNAMES)] + GIVEN[n * 5 % len(GIVEN)]


def phone(n: int) -> str:
    return f"13{(n * 37) % 10}{(n * 7919 + 10_000_000) % 100_000_000:08d}"


def landline(city: str, n: int) -> str:
    area = {
        "putuo": "021",
        "nanjing": "025",
        "wuxi": "0510",
        "changzhou": "0519",
        "suzhou": "0512",
        "nantong": "0513",
        "zhenjiang": "0511",
        "taizhou": "0523",
    }[city]
    return f"{area}-{(n * 4271 + 52_000_000) % 90_000_000 + 10_000_000}"


def point(city: str, n: int) -> tuple[float, float]:
    """A GCJ-02 point well inside the city's box (within a third of it around the centre)."""
    c = CITY[city]
    dlat, dlng = c["box"]
    fx = ((n * 37) % 21 - 10) / 30  # −1/3 … +1/3
    fy = ((n * 53) % 21 - 10) / 30
    return round(c["center_lat"] + dlat * fx, 6), round(c["center_lng"] + dlng * fy, 6)


def industries_of(city: str, i: int) -> list[str]:
    lead = CITY[city]["leading"]
    return [lead[i % len(lead)], lead[(i + 1) % len(lead)]]


def tech_of(city: str, i: int, k: int = 0) -> tuple[str, str]:
    ind = CITY[city]["leading"][i % len(CITY[city]["leading"])]
    return ind, TECH[ind][(i + k) % len(TECH[ind])]


# ---------------------------------------------------------------------------------------------------------------
# One builder per table: (city, i, n) → the record's fields; n is a number unique across the whole demo set.


def _policy(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x, c = CTX[city], CITY[city]
    ind = INDUSTRY_NAME[industries_of(city, i)[0]]
    year = today.year
    titles = [
        (f"{c['short_name']}关于支持{ind}产业高质量发展的若干措施", "subsidy", "研发投入补贴、首台套奖励、场地补贴"),
        (f"{c['short_name']}科技型中小企业研发费用补助申报指南（{year}年）", "innovation", "按研发投入增量给予补助"),
        (f"{c['short_name']}高层次创新创业人才引进计划实施办法", "talent", "安家补贴、项目资助、人才公寓"),
        (f"{c['short_name']}科技企业孵化载体建设与绩效评价办法", "carrier", "孵化器、众创空间运营补贴"),
    ]
    title, category, mode = titles[i % 4]
    level = "district" if city == "putuo" else "city"
    valid_from = today - timedelta(days=60 + 30 * i)
    return dict(
        title=title,
        doc_number=f"{x['doc']}〔{year}〕{10 + n % 80}号",
        issuer=x["bureau"],
        level=level,
        category=category,
        support_mode=mode,
        eligibility=f"在{c['name']}注册、具有独立法人资格的企业、高校院所及新型研发机构",
        publish_date=valid_from,
        valid_from=valid_from,
        valid_to=valid_from + timedelta(days=3 * 365),
        apply_deadline=today + timedelta(days=20 + 15 * i),
        summary=f"为加快建设沿沪宁产业创新带，{x['bureau']}制定本办法，重点支持{ind}等领域的创新主体。",
        full_text=(
            f"第一条 为贯彻落实创新驱动发展战略，推动{c['name']}{ind}产业集聚发展，制定本办法。\n"
            f"第二条 支持方式：{mode}。\n"
            "第三条 申报主体应当依法经营、信用良好，近三年未发生重大安全、质量和环境事故。\n"
            "第四条 申报材料经区（市）科技主管部门初审后，组织专家评审，结果在官方网站公示五个工作日。\n"
            "第五条 本办法自发布之日起施行，有效期三年。"
        ),
        source_url=c.get("jump_url") or "https://www.shpt.gov.cn/",
        attachments=[{"name": "申报书模板.docx", "url": f"/static/demo/policy-{n}.docx"}],
    )


def _resource(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    inst, otype = x["insts"][i % len(x["insts"])]
    district, road = x["places"][i % len(x["places"])]
    lat, lng = point(city, n)
    ind = INDUSTRY_NAME[industries_of(city, i)[0]]
    base: dict[str, Any] = dict(
        district=district,
        address=road,
        lat=lat,
        lng=lng,
        contact_name=person(n)[0] + "老师",
        contact_phone=landline(city, n),
        industries=industries_of(city, i),
    )
    if i == 0:
        kind = "university" if otype == "university" else "institute"
        base.update(
            name=inst,
            kind=kind,
            org_name=inst,
            capabilities=f"{ind}基础研究与应用研究、分析测试",
            open_services="联合实验室共建、技术咨询、分析测试服务",
            description=f"{inst}面向沿沪宁城市开放科研资源。",
        )
    elif i == 1:
        base.update(
            name=f"{inst}{ind}概念验证中心",
            kind="poc_center",
            org_name=inst,
            capabilities="原理样机验证、小试中试、商业化评估",
            open_services="概念验证项目征集、专家辅导",
            description="围绕早期科技成果开展技术可行性与市场可行性验证。",
        )
    elif i == 2:
        park = x["parks"][i % len(x["parks"])]
        space = "创新里" if city == "putuo" else f"{park}孵化器"
        base.update(
            name=space,
            kind="space" if city == "putuo" else "incubator",
            org_name=park,
            area_sqm=1200.0 + 300 * (n % 7),
            rent_yuan_per_sqm_day=round(2.5 + (n % 5) * 0.5, 1),
            rent_free_terms="入驻初创团队两年免租" if city == "putuo" else "首年租金减半",
            capabilities="办公空间、路演厅、共享会议室",
            open_services="工商注册、政策申报、投融资对接",
            description=f"位于{district}，服务{ind}领域初创企业。",
        )
    else:
        base.update(
            name=x["insts"][1][0] + ["场发射扫描电子显微镜", "高分辨质谱仪", "X射线衍射仪", "透射电子显微镜"][n % 4],
            kind="instrument",
            org_name=x["insts"][1][0],
            capabilities="材料微观形貌与成分分析",
            open_services="预约共享，按机时收费，可开具创新券",
            description="纳入长三角科技资源共享服务平台，对外开放共享。",
        )
    platform = ("national", "municipal", "district")[n % 3] if base["kind"] in ("poc_center", "platform") else None
    base["platform_level"] = platform
    org_row = _org_code(inst)
    if org_row and base["org_name"] == inst:
        base["org_credit_code"] = org_row
    return base


def _tech_manager(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind_codes = industries_of(city, i)
    org = [
        "国家技术转移东部中心",
        f"{x['insts'][0][0]}技术转移中心",
        f"{CITY[city]['short_name']}技术市场服务中心",
        "江苏省技术产权交易市场",
    ][i % 4]
    return dict(
        name=person(n),
        org_name=org,
        fields=[INDUSTRY_NAME[c] for c in ind_codes],
        certificate_no=f"JSJL-{today.year - 1 - i % 3}-{n:04d}",
        bio=f"从事技术转移工作{5 + n % 10}年，熟悉{INDUSTRY_NAME[ind_codes[0]]}领域成果评价、作价入股与知识产权运营。",
        completed_count=3 + n % 25,
        contact_phone=phone(n),
        industries=ind_codes,
    )


def _alliance(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x, c = CTX[city], CITY[city]
    chain = list(CHAIN_NAMES)[(n + i) % len(CHAIN_NAMES)]
    lead = x["insts"][i % len(x["insts"])][0]
    other = CITIES[(c["sort"] + i) % len(CITIES)]["code"]
    return dict(
        name=f"{c['short_name']}{CHAIN_NAMES[chain]}产业链创新联盟（{lead}牵头）",
        chain_code=chain,
        lead_org=lead,
        description=f"一院一链：由{lead}牵头，联合上下游企业与兄弟城市院所，围绕{CHAIN_NAMES[chain]}产业链开展联合攻关。",
        members=[
            {"name": lead, "role": "牵头单位", "city": city},
            {"name": x["enterprises"][i % 4], "role": "成员单位", "city": city},
            {"name": CTX[other]["insts"][0][0], "role": "成员单位", "city": other},
        ],
        industries=[chain] if chain in INDUSTRY_NAME else [],
    )


def _fund(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    c = CITY[city]
    if city == "putuo":
        name = [
            "长三角协同创新产业基金（一期）",
            "长三角协同创新产业基金（二期）",
            "半马苏河科创基金",
            "普陀区天使投资引导基金",
        ][i]
        manager = [
            "长三角协同创新投资管理有限公司",
            "长三角协同创新投资管理有限公司",
            "上海半马苏河私募基金管理有限公司",
            "上海普陀科技投资有限公司",
        ][i]
    else:
        name = f"{c['short_name']}{['天使投资引导基金', '科技创新成长基金', '产业转型升级基金', '人才创投基金'][i]}"
        manager = f"{c['short_name']}科创投资管理有限公司"
    stages = [["seed", "angel"], ["angel", "a", "b"], ["b", "growth", "pre_ipo"], ["seed", "angel", "a"]][i]
    return dict(
        name=name,
        manager=manager,
        size_yi_yuan=float([5, 20, 50, 10][i] + n % 5),
        stages=stages,
        description=f"重点投向{'、'.join(INDUSTRY_NAME[x] for x in c['leading'][:3])}等领域的科技型企业，"
        "优先支持沿沪宁城市联盟成员城市项目落地。",
        contact_name=person(n)[0] + "经理",
        contact_phone=landline(city, n),
        industries=c["leading"][:3],
    )


def _product(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x, c = CTX[city], CITY[city]
    kind = ["tech_loan", "credit_score_loan", "ip_pledge", "insurance"][i]
    name = [f"{c['short_name']}科技贷", "创新积分贷", "知识产权质押融资", "首台（套）重大技术装备保险"][i]
    institution = x["bank"] if i < 3 else "中国人民财产保险股份有限公司" + c["short_name"] + "分公司"
    return dict(
        name=f"{name}（{institution}）",
        product_type=kind,
        institution=institution,
        amount_max_wan_yuan=[1000.0, 500.0, 3000.0, None][i],
        rate_text=["LPR减10个基点起", "LPR起，积分越高利率越低", "LPR加20个基点", "费率0.8%起，财政补贴80%"][i],
        term_text=["1–3年", "1年", "1–5年", "1年"][i],
        eligibility="科技型中小企业、高新技术企业，信用良好",
        description=f"面向{c['name']}科技企业的纯信用或轻抵押融资产品，线上申请，最快3个工作日放款。",
        contact_name=person(n)[0] + "经理",
        contact_phone=landline(city, n),
    )


def _need(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind, tech = tech_of(city, i)
    ent = x["enterprises"][i % 4]
    stage = ["angel", "a", "b", "growth"][i]
    return dict(
        title=f"{tech}产业化项目{['天使轮', 'A轮', 'B轮', '成长期'][i]}融资",
        org_name=ent,
        amount_wan_yuan=float([800, 3000, 8000, 15000][i]),
        stage=stage,
        use_of_funds="中试线建设、研发团队扩充与市场推广",
        description=f"{ent}专注于{tech}，已完成样机验证并取得发明专利{2 + n % 6}项，"
        f"现寻求{INDUSTRY_NAME[ind]}领域产业资本。",
        contact_name=person(n),
        contact_phone=phone(n),
        industries=[ind],
    )


def _station(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    park = x["parks"][i % 4]
    district, road = x["places"][(i + 1) % len(x["places"])]
    lat, lng = point(city, n)
    return dict(
        name=f"{park}科技金融服务工作站",
        host_org=park if i % 2 == 0 else x["bank"],
        address=f"{district}{road}",
        lat=lat,
        lng=lng,
        services="融资需求诊断、银企对接、创新积分贷辅导、政策性担保",
        contact_name=person(n)[0] + "老师",
        contact_phone=landline(city, n),
    )


def _talent_service(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    c = CITY[city]
    cat = ["settlement", "housing", "training", "subsidy"][i]
    title = [
        f"{c['short_name']}重点产业人才落户一件事",
        f"{c['short_name']}人才公寓申请",
        f"{c['short_name']}技术经理人能力提升培训",
        f"{c['short_name']}青年科技人才生活补贴",
    ][i]
    return dict(
        title=title,
        category=cat,
        provider=f"{c['short_name']}人才服务中心",
        eligibility="在本市重点产业企业、高校院所全职工作的人才",
        description=[
            "材料齐全当场受理，全程网办。",
            "拎包入住，租金按市场价六折。",
            "课程涵盖成果评价、知识产权与投融资。",
            "本科及以上学历，按月发放，最长三年。",
        ][i],
        contact_name=person(n)[0] + "老师",
        contact_phone=landline(city, n),
    )


def _job(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind, tech = tech_of(city, i)
    role = ["研发工程师", "算法工程师", "工艺工程师", "技术转移专员"][i]
    return dict(
        title=f"{INDUSTRY_NAME[ind]}{role}",
        org_name=x["enterprises"][i % 4],
        salary_min_k=12 + 3 * i,
        salary_max_k=25 + 5 * i,
        education=["本科", "硕士", "博士", "本科"][i],
        experience=["3年以上", "应届可", "5年以上", "2年以上"][i],
        headcount=1 + n % 4,
        closing_date=today + timedelta(days=30 + 10 * i),
        description=f"参与{tech}项目研发与产业化，负责方案设计、实验验证及技术文档编写。",
        contact_name=person(n)[0] + "女士",
        contact_phone=phone(n),
        industries=[ind],
    )


def _expert(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind, tech = tech_of(city, i)
    return dict(
        name=person(n),
        title=["教授", "研究员", "正高级工程师", "副教授"][i],
        affiliation=x["insts"][i % 4][0],
        fields=[INDUSTRY_NAME[ind], tech],
        bio=f"长期从事{INDUSTRY_NAME[ind]}方向研究，主持国家重点研发计划课题{1 + n % 3}项。",
        achievements=f"在{tech}方向发表论文{20 + n % 40}篇，授权发明专利{5 + n % 15}项，"
        f"成果已在{x['enterprises'][i]}转化。",
        contact_phone=phone(n),
        industries=[ind],
    )


def _programme(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind = industries_of(city, i)[0]
    inst = x["insts"][i % 4][0]
    return dict(
        title=f"{inst}—{x['enterprises'][i]}{INDUSTRY_NAME[ind]}工程硕士联合培养项目",
        partners=[inst, x["enterprises"][i]],
        start_date=today + timedelta(days=30 * (i + 1)),
        end_date=today + timedelta(days=30 * (i + 1) + 730),
        capacity=20 + 5 * i,
        description="校企双导师制，企业真实课题贯穿培养全过程，毕业可优先留用。",
        contact_name=person(n)[0] + "老师",
        contact_phone=landline(city, n),
        industries=[ind],
    )


def _achievement(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind, tech = tech_of(city, i, 1)
    owner = x["insts"][i % 4][0]
    modes = [["transfer", "license"], ["license"], ["equity", "joint"], ["joint"]][i]
    return dict(
        title=f"{tech}关键技术",
        owner_name=owner,
        trl=4 + (n % 5),
        ip_type=["invention_patent", "software", "invention_patent", "know_how"][i],
        transfer_modes=modes,
        price_wan_yuan=[300.0, None, 1200.0, None][i],
        description=f"{owner}团队研发的{tech}技术，已完成实验室验证，关键指标达到国际先进水平，适用于{INDUSTRY_NAME[ind]}企业。",
        media=[{"type": "image", "url": f"/static/demo/achievement-{n}.jpg"}],
        contact_name=person(n)[0] + "老师",
        contact_phone=landline(city, n),
        industries=[ind],
    )


def _event(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x, c = CTX[city], CITY[city]
    etype = ["fair", "open_day", "roadshow", "salon"][i]
    inst = x["insts"][i % 4][0]
    title = [
        f"沿沪宁科创集市·{c['short_name']}站",
        f"{inst}院所开放日",
        f"{INDUSTRY_NAME[c['leading'][0]]}项目路演专场",
        f"{INDUSTRY_NAME[c['leading'][1]]}供需对接沙龙",
    ][i]
    district, road = x["places"][i % len(x["places"])]
    lat, lng = point(city, n)
    start = datetime.combine(today + timedelta(days=7 + 9 * i), datetime.min.time(), tzinfo=utcnow().tzinfo)
    start = start + timedelta(hours=1 + i)  # 09:00–12:00 in China
    return dict(
        title=title,
        event_type=etype,
        organizer=x["bureau"] if i != 1 else inst,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        registration_deadline=today + timedelta(days=5 + 9 * i),
        venue=[x["parks"][0], inst, x["parks"][2], x["parks"][3]][i],
        address=f"{district}{road}",
        lat=lat,
        lng=lng,
        capacity=[300, 80, 120, 60][i],
        registered_count=n % 50,
        description="企业带着需求来“赶集”：项目路演、成果展示、投融资对接、人才政策咨询。",
    )


def _cooperation(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    c = CITY[city]
    other = CITIES[(c["sort"] + i) % len(CITIES)]
    tense = ["past", "present", "future", "present"][i]
    coop = ["chain", "cross_city", "joint_event", "chain"][i]
    chain = list(CHAIN_NAMES.values())[n % len(CHAIN_NAMES)]
    title = [
        f"{c['short_name']}—{other['short_name']}{chain}产业链协同攻关",
        f"{c['short_name']}—{other['short_name']}科技创新券跨城通用",
        f"沿沪宁科创集市{c['short_name']}、{other['short_name']}联合专场",
        f"{c['short_name']}{chain}链主企业与{other['short_name']}院所结对",
    ][i]
    start = today + timedelta(days=[-400, -90, 60, -30][i])
    return dict(
        title=title,
        coop_type=coop,
        tense=tense,
        partner_cities=[city, other["code"]],
        lead_org=CTX[city]["bureau"],
        partners=[CTX[city]["insts"][0][0], CTX[other["code"]]["insts"][0][0]],
        start_date=start,
        end_date=start + timedelta(days=[180, 365, 2, 540][i]),
        description=[
            "已完成：联合攻关项目通过验收。",
            "进行中：按季度召开对接会。",
            "计划中：正在征集参展项目。",
            "进行中：已签署合作备忘录。",
        ][i],
    )


def _demand(city: str, i: int, n: int, today: date) -> dict[str, Any]:
    x = CTX[city]
    ind, tech = tech_of(city, i, 2)
    ent = x["enterprises"][i % 4]
    dtype = ["tackling", "transfer", "joint_rd", "consulting"][i]
    chain = ind if ind in CHAIN_NAMES else None
    now = utcnow()
    return dict(
        title=f"{tech}{['技术攻关', '成果转化需求', '联合研发', '技术咨询'][i]}",
        demand_type=dtype,
        status=DemandStatus.published,
        chain_code=chain,
        keywords=[tech[:4], INDUSTRY_NAME[ind]],
        description=f"{ent}在{tech}方面存在技术瓶颈，面向沿沪宁城市高校院所张榜求解，企业出题、院所答题。",
        tech_targets="关键性能指标较现有方案提升30%以上；具备中试放大条件；形成自主知识产权。",
        expected_result="样机或工艺包一套，发明专利申请不少于2项",
        reward_wan_yuan=[200.0, None, 500.0, 30.0][i],
        reward_negotiable=i == 1,
        deadline=now + timedelta(days=30 + 15 * i),
        period_months=[12, 6, 24, 3][i],
        eligibility="高校、科研院所或具备研发能力的企业，可联合揭榜",
        org_name=ent,
        contact_name=person(n),
        contact_phone=phone(n),
        industries=[ind],
    )


TABLES: list[tuple[type[SQLModel], str, Any]] = [
    (Policy, "policy", _policy),
    (Resource, "resource", _resource),
    (TechManager, "techmanager", _tech_manager),
    (Alliance, "alliance", _alliance),
    (Fund, "fund", _fund),
    (FinancialProduct, "product", _product),
    (FinancingNeed, "need", _need),
    (ServiceStation, "station", _station),
    (TalentService, "talentservice", _talent_service),
    (Job, "job", _job),
    (Expert, "expert", _expert),
    (TrainingProgramme, "programme", _programme),
    (Achievement, "achievement", _achievement),
    (Event, "event", _event),
    (CooperationItem, "cooperation", _cooperation),
    (Demand, "demand", _demand),
]


def _org_code(name: str) -> str | None:
    return ORG_CODES.get(name)


def _organisations() -> list[dict[str, Any]]:
    rows = []
    n = 0
    for city, x in CTX.items():
        for name, otype in x["insts"]:
            n += 1
            registrar = "12" if otype in ("university", "institute") else "91"
            rows.append(
                dict(
                    name=name,
                    org_type=otype,
                    city_code=city,
                    credit_code=make_uscc(registrar, x["division"], 42_000_000 + n),
                )
            )
        for name in x["enterprises"]:
            n += 1
            rows.append(
                dict(
                    name=name,
                    org_type="enterprise",
                    city_code=city,
                    credit_code=make_uscc("91", x["division"], 57_000_000 + n),
                )
            )
    return rows


ORGS = _organisations()
ORG_CODES = {o["name"]: o["credit_code"] for o in ORGS}

BANNERS: list[dict[str, Any]] = [
    dict(
        title="沿沪宁协同创新集市正式上线",
        image_url="/static/banners/market-launch.jpg",
        link="pages/home/index",
        city_code=None,
    ),
    dict(
        title="揭榜挂帅：企业出题、院所答题",
        image_url="/static/banners/jiebang.jpg",
        link="pages/demands/index",
        city_code=None,
    ),
    dict(
        title="一图览全域：七市一区科创资源",
        image_url="/static/banners/map.jpg",
        link="pages/map/index",
        city_code=None,
    ),
    dict(
        title="创新里：初创团队两年免租",
        image_url="/static/banners/chuangxinli.jpg",
        link="pages/boards/resources",
        city_code="putuo",
    ),
    dict(
        title="紫金山实验室开放合作",
        image_url="/static/banners/zijinshan.jpg",
        link="pages/boards/resources",
        city_code="nanjing",
    ),
    dict(
        title="姑苏实验室成果发布",
        image_url="/static/banners/gusu.jpg",
        link="pages/boards/showcase",
        city_code="suzhou",
    ),
    dict(
        title="无锡产业创新研究院揭榜专场",
        image_url="/static/banners/wuxi-iii.jpg",
        link="pages/demands/index",
        city_code="wuxi",
    ),
    dict(
        title="常州新能源之都项目路演",
        image_url="/static/banners/changzhou.jpg",
        link="pages/boards/showcase",
        city_code="changzhou",
    ),
]


def load_demo(session: Session) -> int:
    """Adds whatever demo record is missing; returns how many rows it added (0 on a second run)."""
    today = today_cn()
    now = utcnow()
    added = 0

    known = set(session.exec(select(Organization.credit_code)).all())
    org_ids: dict[str, int] = {}
    for o in ORGS:
        if o["credit_code"] not in known:
            session.add(
                Organization(
                    **o, verification=Verification.verified, intro=f"{o['name']}，沿沪宁协同创新城市联盟成员单位。"
                )
            )
            added += 1
    session.flush()
    for row in session.exec(select(Organization).where(Organization.credit_code.in_([o["credit_code"] for o in ORGS]))):  # type: ignore[attr-defined]
        org_ids[row.name] = row.id  # type: ignore[assignment]

    n = 0
    for model, key, build in TABLES:
        existing = set(
            session.exec(
                select(model.source_id).where(model.source_id.startswith(SOURCE_PREFIX))  # type: ignore[attr-defined]
            ).all()
        )
        for city in CTX:
            for i in range(PER_CITY):
                n += 1
                source_id = f"{SOURCE_PREFIX}{key}-{city}-{i + 1}"
                if source_id in existing:
                    continue
                data = build(city, i, n, today)
                if "org_name" in data and data["org_name"] in org_ids and "org_id" in model.model_fields:
                    data["org_id"] = org_ids[data["org_name"]]
                data.setdefault("industries", industries_of(city, i)[:1])
                data.setdefault("industry_code", (data["industries"] or [None])[0])
                if data["industry_code"] not in INDUSTRY_NAME:
                    data["industry_code"] = None
                common = dict(
                    city_code=city,
                    source=RecordSource.staff,
                    source_id=source_id,
                    published_at=now - timedelta(days=(n * 3) % 90, hours=n % 24),
                    view_count=(n * 97) % 1500,
                )
                if model is not Demand:
                    common.update(publication=Publication.published, verification=Verification.verified)
                session.add(model(**{**data, **common}))
                added += 1
    existing_banners = set(session.exec(select(Banner.title)).all())
    for sort, b in enumerate(BANNERS):
        if b["title"] not in existing_banners:
            session.add(Banner(**b, sort=sort))
            added += 1
    session.flush()
    return added
