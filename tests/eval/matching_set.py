# ruff: noqa: E501
"""Evaluation set of the matcher, in the demo domain (the seven 产业链 of the alliance's cities).

Solvers (organisations, research platforms, instruments, achievements, experts, 技术经理人), enterprises that post
demands, policies, and 44 demands, each labelled by hand with the solvers that could take it on and — through its
posting enterprise — the policies that enterprise could apply for. Labels were written from the texts as a domain
reader would judge them (who has the capability, who supplies the node upstream), not from any ranking.

Solver: (key, kind, city, name, text, industries, type)
"""

from __future__ import annotations

from typing import Any

# fmt: off
SOLVERS: list[tuple[str, str, str, str, str, list[str], str]] = [
    ('ne_pilot', 'resource', 'changzhou', '动力电池材料中试平台', '高镍三元正极、硅碳负极材料的中试放大与电化学表征，提供扣式与软包电池制样', ['new_energy'], 'platform'),
    ('ne_storage', 'organization', 'nanjing', '南京储能技术研究院', '储能系统集成，电池热管理与热失控预警算法，储能电站安全评估', ['new_energy'], 'institute'),
    ('ne_perov', 'expert', 'suzhou', '周教授', '钙钛矿太阳能电池与叠层电池，组件封装与湿热稳定性研究', ['new_energy'], 'expert'),
    ('ne_solid', 'achievement', 'wuxi', '硫化物固态电解质薄膜制备技术', '硫化物固态电解质薄膜的干法制备，界面修饰降低界面阻抗，适用于固态电池', ['new_energy'], 'invention_patent'),
    ('ne_fuel', 'organization', 'zhenjiang', '江苏某大学能源与动力学院', '燃料电池电堆设计、质子交换膜与膜电极，制氢与储氢', ['new_energy'], 'university'),
    ('ne_safety', 'resource', 'taizhou', '电池安全测试中心', '针刺、过充、挤压与热失控蔓延测试，储能柜消防验证', ['new_energy'], 'instrument'),
    ('ne_mgr', 'tech_manager', 'changzhou', '张经理', '新能源成果转化，服务动力电池与储能企业技术转移和专利许可', ['new_energy'], 'tech_manager'),
    ('ne_sodium', 'achievement', 'nantong', '钠离子电池层状氧化物正极材料', '层状氧化物正极的低成本合成与包覆改性，循环寿命超过三千次', ['new_energy'], 'invention_patent'),
    ('ne_pvlab', 'resource', 'suzhou', '光伏组件可靠性实验室', '光伏组件湿热老化、PID 与紫外老化测试，异质结与钙钛矿组件认证前测试', ['new_energy'], 'platform'),
    ('ne_charge', 'organization', 'changzhou', '常州某充换电设备公司', '大功率液冷快充桩与换电站研发制造，车网互动', ['new_energy'], 'enterprise'),
    ('ne_bms', 'expert', 'nanjing', '高研究员', '电池管理系统 BMS 算法，荷电状态估计与寿命预测', ['new_energy'], 'expert'),
    ('ne_si', 'organization', 'wuxi', '无锡某硅材料研究院', '单晶硅片薄片化与多晶硅提纯工艺', ['new_energy'], 'institute'),
    ('nm_cat_lab', 'resource', 'nanjing', '聚烯烃催化重点实验室', '茂金属与齐格勒催化剂设计，烯烃聚合工艺与聚合物结构表征', ['new_material'], 'platform'),
    ('nm_cat_exp', 'expert', 'changzhou', '李教授', '烯烃聚合催化剂与分子筛催化，催化剂载体制备', ['new_material'], 'expert'),
    ('nm_nano', 'organization', 'suzhou', '苏州某纳米材料研究所', '石墨烯导热膜、碳纳米管导电浆料，纳米材料分散与表面改性', ['new_material', 'nano'], 'institute'),
    ('nm_gr_ach', 'achievement', 'changzhou', '石墨烯导热膜连续化制备', '氧化石墨烯涂布、高温石墨化连续生产，导热系数超过1500', ['new_material'], 'invention_patent'),
    ('nm_verify', 'resource', 'zhenjiang', '新材料应用验证中心', '薄膜料、改性塑料的应用验证与性能评价，首批次新材料保险补偿申报辅导', ['new_material'], 'poc_center'),
    ('nm_fiber', 'organization', 'nantong', '南通某大学纺织与复合材料学院', '碳纤维复合材料、预浸料与热塑性复合材料成型', ['new_material', 'textile'], 'university'),
    ('nm_pp', 'expert', 'wuxi', '吴研究员', '聚丙烯改性、超高分子量聚乙烯纤维与 POE 弹性体', ['new_material'], 'expert'),
    ('nm_char', 'resource', 'nanjing', '高分子材料表征平台', '凝胶色谱 GPC、差示扫描量热 DSC、流变与力学性能测试', ['new_material'], 'instrument'),
    ('nm_aero', 'achievement', 'zhenjiang', '航空复合材料轻量化构件成型', '热压罐与模压成型工艺，树脂基复合材料轻量化构件', ['new_material', 'aviation'], 'invention_patent'),
    ('nm_chem', 'organization', 'taizhou', '泰州某精细化工研究院', '乙烯、丙烯下游单体精制与高纯化学品合成', ['chemicals', 'new_material'], 'institute'),
    ('fo_academy', 'organization', 'putuo', '司法鉴定科学研究院', '法医毒物分析、DNA 物证鉴定、痕迹检验与鉴定标准制定', ['forensics'], 'institute'),
    ('fo_digital', 'resource', 'nanjing', '电子数据取证实验室', '手机取证、数据恢复、电子数据司法鉴定', ['forensics'], 'platform'),
    ('fo_ms', 'expert', 'putuo', '赵研究员', '液相色谱质谱联用的毒物与毒品分析方法', ['forensics'], 'expert'),
    ('fo_kit', 'achievement', 'suzhou', '痕量毒物快速检测试剂盒', '胶体金与荧光免疫法的毒物快检试剂，现场十分钟出结果', ['forensics', 'biomed'], 'invention_patent'),
    ('fo_mgr', 'tech_manager', 'putuo', '钱经理', '司法鉴定技术与检测仪器的成果转化与许可', ['forensics'], 'tech_manager'),
    ('ro_reducer', 'organization', 'changzhou', '常州某精密传动公司', '谐波减速器、RV 减速器与伺服电机的研发制造', ['robotics'], 'enterprise'),
    ('ro_vision', 'resource', 'suzhou', '机器人视觉与力控实验室', '视觉传感器、六维力矩传感器标定与手眼标定', ['robotics'], 'platform'),
    ('ro_ctrl', 'expert', 'nanjing', '孙教授', '协作机器人控制算法、伺服驱动与运动规划', ['robotics'], 'expert'),
    ('ro_pipe', 'achievement', 'wuxi', '管道巡检机器人', '带压管道内检测的特种机器人，缺陷识别与定位', ['robotics'], 'invention_patent'),
    ('ro_integr', 'organization', 'putuo', '上海某智能制造研究院', '数字化车间与智能产线系统集成，柔性制造', ['robotics', 'high_end_equipment'], 'institute'),
    ('ro_under', 'achievement', 'nanjing', '水下特种作业机器人', '水下巡检与清洗的特种机器人，适用于船舶与海工', ['robotics', 'marine_equipment'], 'invention_patent'),
    ('ge_survey', 'organization', 'nanjing', '南京某测绘研究院', '实景三维建模与数字孪生城市，倾斜摄影与 BIM 融合', ['geo_info'], 'institute'),
    ('ge_rs', 'resource', 'putuo', '遥感数据处理中心', '卫星影像与无人机影像处理、点云分类，专题制图', ['geo_info'], 'platform'),
    ('ge_gnss', 'expert', 'nanjing', '周研究员', '北斗与 GNSS 高精度定位，形变监测', ['geo_info'], 'expert'),
    ('ge_lidar', 'achievement', 'suzhou', '激光雷达移动测绘系统', '车载激光雷达与全景相机一体化移动测绘', ['geo_info'], 'invention_patent'),
    ('ic_fa', 'resource', 'wuxi', '芯片失效分析实验室', '芯片失效分析、封装可靠性试验与缺陷定位', ['ic'], 'platform'),
    ('ic_pkg', 'organization', 'wuxi', '无锡某封测公司', '先进封装与 SiC 功率模块封装，晶圆级封装', ['ic'], 'enterprise'),
    ('ic_rf', 'expert', 'nanjing', '陈教授', '射频芯片设计，毫米波 28GHz 相控阵收发芯片', ['ic', 'ict'], 'expert'),
    ('ic_mmw', 'resource', 'nanjing', '毫米波测试暗室', '5G 毫米波终端与天线的空口测试，覆盖 24–40GHz', ['ic', 'ict'], 'platform'),
    ('ic_sic', 'achievement', 'suzhou', '碳化硅外延生长技术', 'SiC 同质外延的缺陷控制与厚度均匀性', ['ic'], 'invention_patent'),
    ('ic_resist', 'organization', 'suzhou', '苏州某半导体材料研究院', '光刻胶与高纯靶材的研发与国产化验证', ['ic', 'new_material'], 'institute'),
    ('ic_mgr', 'tech_manager', 'wuxi', '刘经理', '集成电路设计与封测成果的转化与许可', ['ic'], 'tech_manager'),
    ('bm_api', 'organization', 'taizhou', '泰州某医药研究院', '原料药合成工艺、中间体开发与杂质研究', ['biomed'], 'institute'),
    ('bm_ab', 'resource', 'suzhou', '抗体药物筛选平台', '抗体发现、亲和力成熟与药物筛选', ['biomed'], 'platform'),
    ('bm_target', 'expert', 'nanjing', '吴教授', '肿瘤靶点发现与临床前药效评价', ['biomed'], 'expert'),
    ('bm_device', 'resource', 'taizhou', '医疗器械检测中心', '有源医疗器械电磁兼容、生物相容性与注册检验', ['biomed', 'medical_device'], 'instrument'),
    ('bm_ivd', 'achievement', 'suzhou', '体外诊断微流控芯片', '微流控芯片的即时检测体外诊断平台', ['biomed', 'medical_device'], 'invention_patent'),
    ('bm_cro', 'organization', 'taizhou', '泰州某临床研究服务公司', '临床试验 CRO 服务与医药注册', ['biomed'], 'service'),
    ('x_space', 'resource', 'changzhou', '新能源产业园标准厂房', '动力电池与储能企业入驻，电池材料企业优先', ['new_energy'], 'space'),
    ('x_park', 'resource', 'wuxi', '集成电路产业园', '芯片设计企业集聚区，流片补贴', ['ic'], 'park'),
]

# Enterprises that post the demands: (key, city, name, capabilities, industries, good policy keys)
POSTERS: list[tuple[str, str, str, str, list[str], list[str]]] = [
    ('p_battery', 'changzhou', '常州某动力电池公司', '动力电池电芯与电池包制造', ['new_energy'], ['pol_cz_rd', 'pol_js_ne', 'pol_js_first']),
    ('p_storage', 'taizhou', '泰州某储能科技公司', '储能系统与储能电站建设运营', ['new_energy'], ['pol_tz_ne', 'pol_js_ne', 'pol_tz_rd']),
    ('p_pv', 'wuxi', '无锡某光伏科技公司', '光伏组件与电池片制造', ['new_energy'], ['pol_wx_rd', 'pol_js_ne']),
    ('p_poly', 'nantong', '南通某化工新材料公司', '聚烯烃与高分子材料生产', ['new_material', 'chemicals'], ['pol_nt_mat', 'pol_js_first', 'pol_nt_rd']),
    ('p_thermal', 'suzhou', '苏州某电子散热公司', '消费电子散热材料与模组', ['new_material'], ['pol_sz_rd', 'pol_js_first']),
    ('p_forensic', 'putuo', '普陀某司法鉴定所', '司法鉴定服务', ['forensics'], ['pol_pt_rd', 'pol_pt_space']),
    ('p_robot', 'suzhou', '苏州某机器人公司', '工业机器人与协作机器人整机', ['robotics'], ['pol_sz_rd', 'pol_js_robot']),
    ('p_mapping', 'zhenjiang', '镇江某空间信息公司', '智慧城市空间信息服务', ['geo_info'], ['pol_zj_rd']),
    ('p_chip', 'nanjing', '南京某通信芯片公司', '通信芯片与模组', ['ic', 'ict'], ['pol_nj_ic', 'pol_nj_rd']),
    ('p_power', 'wuxi', '无锡某功率半导体公司', '功率器件与模块', ['ic'], ['pol_wx_rd', 'pol_wx_ic']),
    ('p_pharma', 'taizhou', '泰州某制药公司', '化学药与生物药生产', ['biomed'], ['pol_tz_bio', 'pol_tz_rd']),
    ('p_device', 'changzhou', '常州某医疗器械公司', '有源医疗器械研发制造', ['biomed', 'medical_device'], ['pol_cz_rd', 'pol_cz_device']),
]

# Policies: (key, city, level, category, title, eligibility, industries, text)
POLICIES: list[tuple[str, str, str, str, str, str, list[str], str]] = [
    ('pol_cz_rd', 'changzhou', 'city', 'subsidy', '常州市企业研发投入补贴', '在常注册的企业', [], '对研发费用增长的企业按比例给予补贴'),
    ('pol_tz_rd', 'taizhou', 'city', 'subsidy', '泰州市企业研发费用奖补', '在泰注册的企业', [], '企业研发费用按比例奖补'),
    ('pol_wx_rd', 'wuxi', 'city', 'subsidy', '无锡市企业研发投入奖励', '在锡注册的企业', [], '研发投入奖励'),
    ('pol_nt_rd', 'nantong', 'city', 'subsidy', '南通市企业研发费用补助', '在通注册的企业', [], '研发费用补助'),
    ('pol_sz_rd', 'suzhou', 'city', 'subsidy', '苏州市企业研发费用后补助', '在苏注册的企业', [], '研发费用后补助'),
    ('pol_zj_rd', 'zhenjiang', 'city', 'subsidy', '镇江市企业研发投入补助', '在镇注册的企业', [], '研发投入补助'),
    ('pol_nj_rd', 'nanjing', 'city', 'subsidy', '南京市企业研发费用奖补', '在宁注册的企业', [], '研发费用奖补'),
    ('pol_pt_rd', 'putuo', 'district', 'subsidy', '普陀区科技创新专项资金', '在普陀区注册的企业与机构', [], '支持企业研发与成果转化'),
    ('pol_pt_space', 'putuo', 'district', 'carrier', '普陀区创新载体租金补贴', '入驻区内载体的企业', [], '创新里入驻企业两年免租'),
    ('pol_js_ne', 'wuxi', 'province', 'subsidy', '江苏省新能源产业发展专项', '省内新能源企业', ['new_energy'], '支持动力电池、储能与光伏企业技术攻关'),
    ('pol_js_first', 'nanjing', 'province', 'subsidy', '江苏省新材料首批次应用保险补偿', '省内新材料生产与应用企业', ['new_material'], '新材料首批次应用保险补偿'),
    ('pol_js_robot', 'suzhou', 'province', 'subsidy', '江苏省机器人产业创新专项', '省内机器人整机与零部件企业', ['robotics'], '支持机器人关键零部件攻关'),
    ('pol_tz_ne', 'taizhou', 'city', 'subsidy', '泰州市储能产业扶持办法', '在泰储能企业', ['new_energy'], '储能项目建设补贴'),
    ('pol_nt_mat', 'nantong', 'city', 'innovation', '南通市新材料产业创新奖励', '在通新材料企业', ['new_material'], '新材料企业创新平台奖励'),
    ('pol_nj_ic', 'nanjing', 'city', 'subsidy', '南京市集成电路流片补贴', '在宁集成电路设计企业', ['ic'], '芯片设计企业流片费用补贴'),
    ('pol_wx_ic', 'wuxi', 'city', 'subsidy', '无锡市集成电路产业专项', '在锡集成电路企业', ['ic'], '支持封装测试与功率半导体项目'),
    ('pol_tz_bio', 'taizhou', 'city', 'subsidy', '中国医药城创新药研发扶持', '在泰医药企业', ['biomed'], '创新药临床研究补贴'),
    ('pol_cz_device', 'changzhou', 'city', 'subsidy', '常州市医疗器械注册奖励', '在常医疗器械企业', ['biomed', 'medical_device'], '二类三类器械注册证奖励'),
    ('pol_talent_only', 'changzhou', 'city', 'talent', '常州市高校毕业生落户', '高校毕业生个人', [], '落户与租房补贴'),
    ('pol_js_tax', 'nanjing', 'province', 'tax', '江苏省高新技术企业所得税优惠', '省内高新技术企业', [], '企业所得税减按15%征收'),
]

# Demands: (poster key, title, keywords, description, chain node ref "chain:node" or "", good solver keys)
DEMANDS: list[tuple[str, str, list[str], str, str, list[str]]] = [
    ('p_battery', '高镍正极材料循环寿命提升', ['高镍三元', '正极'], '提升高镍三元正极的循环寿命与热稳定性，需要材料改性与中试放大能力', 'new_energy:锂电材料', ['ne_pilot', 'ne_sodium', 'ne_mgr']),
    ('p_battery', '固态电池界面阻抗降低', ['固态电解质', '界面阻抗'], '降低固态电池正极与电解质之间的界面阻抗', 'new_energy:电芯与电池包', ['ne_solid', 'ne_pilot', 'ne_mgr']),
    ('p_battery', '硅碳负极首效提升', ['硅碳负极'], '硅碳负极首次效率偏低，寻求预锂化与包覆方案', 'new_energy:锂电材料', ['ne_pilot', 'ne_mgr']),
    ('p_battery', '电池包热失控蔓延抑制', ['热失控'], '电池包单体热失控后的蔓延抑制设计与验证', 'new_energy:电芯与电池包', ['ne_storage', 'ne_safety', 'ne_bms']),
    ('p_battery', '电池寿命预测算法', ['寿命预测', '荷电状态'], '基于运行数据的电池寿命预测与荷电状态估计', 'new_energy:电芯与电池包', ['ne_bms', 'ne_storage']),
    ('p_storage', '储能电站安全预警系统', ['热失控预警', '储能'], '储能电站电池热失控早期预警与消防联动', 'new_energy:储能系统', ['ne_storage', 'ne_safety', 'ne_bms']),
    ('p_storage', '储能柜消防验证测试', ['消防验证'], '储能柜整柜消防系统的验证测试', 'new_energy:储能系统', ['ne_safety', 'ne_storage']),
    ('p_storage', '钠离子电池储能应用', ['钠离子电池'], '将钠离子电池用于储能电站，需要正极材料与系统验证', 'new_energy:储能系统', ['ne_sodium', 'ne_storage', 'ne_mgr']),
    ('p_pv', '钙钛矿组件湿热稳定性', ['钙钛矿'], '钙钛矿组件在湿热环境下效率衰减过快', 'new_energy:光伏组件', ['ne_perov', 'ne_pvlab']),
    ('p_pv', '异质结组件可靠性测试', ['异质结', 'PID'], '异质结组件的 PID 与紫外老化测试', 'new_energy:光伏组件', ['ne_pvlab', 'ne_perov']),
    ('p_pv', '硅片薄片化工艺', ['硅片'], '单晶硅片进一步减薄时碎片率上升', 'new_energy:光伏硅料', ['ne_si']),
    ('p_storage', '氢燃料电池备用电源', ['燃料电池', '电堆'], '开发氢燃料电池备用电源，需要电堆与膜电极', 'new_energy:氢燃料电池', ['ne_fuel']),
    ('p_battery', '大功率快充与电池匹配', ['快充'], '电池快充能力与液冷快充桩的匹配验证', 'new_energy:充换电与新能源汽车', ['ne_charge', 'ne_bms']),
    ('p_poly', '茂金属聚乙烯国产化', ['茂金属', '聚乙烯'], '茂金属聚乙烯薄膜料的国产化，需要催化剂与聚合工艺', 'new_material:高性能聚烯烃', ['nm_cat_lab', 'nm_cat_exp', 'nm_char', 'nm_pp']),
    ('p_poly', '聚烯烃催化剂活性提升', ['聚烯烃催化'], '提高烯烃聚合催化剂的活性与共聚能力', 'new_material:催化剂', ['nm_cat_lab', 'nm_cat_exp']),
    ('p_poly', 'POE 弹性体开发', ['POE'], '光伏胶膜用 POE 弹性体的开发', 'new_material:高性能聚烯烃', ['nm_pp', 'nm_cat_lab', 'nm_cat_exp']),
    ('p_poly', '薄膜料应用验证', ['应用验证', '薄膜料'], '新牌号薄膜料需要下游应用验证与首批次申报', 'new_material:新材料应用验证', ['nm_verify', 'nm_char']),
    ('p_poly', '高纯丙烯单体精制', ['丙烯'], '聚合级丙烯单体的精制与杂质控制', 'new_material:基础化工原料', ['nm_chem']),
    ('p_poly', '聚合物分子量分布表征', ['分子量分布'], '需要凝胶色谱与流变测试分析分子量分布', 'new_material:高性能聚烯烃', ['nm_char', 'nm_cat_lab']),
    ('p_thermal', '石墨烯导热膜量产', ['石墨烯', '导热膜'], '手机用石墨烯导热膜的连续化量产', 'new_material:石墨烯与碳材料', ['nm_gr_ach', 'nm_nano']),
    ('p_thermal', '碳纳米管导电浆料分散', ['碳纳米管'], '碳纳米管导电浆料的分散稳定性', 'new_material:石墨烯与碳材料', ['nm_nano']),
    ('p_thermal', '轻量化复合材料外壳', ['复合材料', '轻量化'], '消费电子用碳纤维复合材料外壳的轻量化成型', 'new_material:复合材料', ['nm_fiber', 'nm_aero']),
    ('p_forensic', '毒物快速筛查方法', ['毒物'], '现场毒物快速筛查，要求十分钟出结果', 'forensics:检测试剂与仪器', ['fo_kit', 'fo_ms', 'fo_academy']),
    ('p_forensic', '质谱毒品分析方法开发', ['质谱', '毒品'], '建立液相色谱质谱联用的毒品定量方法', 'forensics:物证鉴定技术', ['fo_ms', 'fo_academy']),
    ('p_forensic', '手机数据恢复与取证', ['手机取证', '数据恢复'], '损坏手机的数据恢复与电子数据取证', 'forensics:电子数据取证', ['fo_digital']),
    ('p_forensic', 'DNA 物证鉴定提速', ['DNA'], '缩短 DNA 物证鉴定的周期', 'forensics:物证鉴定技术', ['fo_academy']),
    ('p_robot', '谐波减速器寿命提升', ['谐波减速器'], '协作机器人关节用谐波减速器的寿命与精度保持', 'robotics:减速器与伺服电机', ['ro_reducer', 'ro_ctrl']),
    ('p_robot', '机器人力控打磨', ['力控', '力矩传感器'], '基于六维力矩传感器的机器人力控打磨', 'robotics:控制器与传感器', ['ro_vision', 'ro_ctrl']),
    ('p_robot', '视觉引导抓取', ['视觉传感', '手眼标定'], '无序工件的视觉引导抓取与手眼标定', 'robotics:控制器与传感器', ['ro_vision']),
    ('p_robot', '智能产线集成', ['智能产线', '系统集成'], '机器人焊装智能产线的系统集成', 'robotics:智能制造系统集成', ['ro_integr']),
    ('p_robot', '管道巡检机器人定制', ['巡检机器人', '管道'], '化工园区管道的巡检机器人', 'robotics:服务与特种机器人', ['ro_pipe', 'ro_under']),
    ('p_mapping', '城市实景三维建模', ['实景三维', '倾斜摄影'], '城区实景三维模型构建与更新', 'geo_info:三维建模与数字孪生', ['ge_survey', 'ge_lidar', 'ge_rs']),
    ('p_mapping', '桥梁形变监测', ['形变监测', '北斗'], '基于北斗的桥梁形变实时监测', 'geo_info:测绘与定位装备', ['ge_gnss']),
    ('p_mapping', '卫星影像变化检测', ['卫星影像', '变化检测'], '耕地与建设用地的卫星影像变化检测', 'geo_info:遥感与数据处理', ['ge_rs']),
    ('p_mapping', '移动测绘道路普查', ['移动测绘', '激光雷达'], '道路设施的车载移动测绘普查', 'geo_info:测绘与定位装备', ['ge_lidar', 'ge_survey']),
    ('p_chip', '28GHz 相控阵芯片设计', ['28GHz', '相控阵'], '5G 毫米波 28GHz 相控阵收发芯片设计', 'ic:芯片设计', ['ic_rf', 'ic_mmw', 'ic_mgr']),
    ('p_chip', '5G 毫米波终端测试', ['5G', '毫米波', '空口测试'], '毫米波终端天线的空口性能测试', 'ic:芯片设计', ['ic_mmw', 'ic_rf']),
    ('p_chip', '芯片失效原因分析', ['失效分析'], '量产芯片的早期失效原因分析与封装可靠性', 'ic:封装测试', ['ic_fa', 'ic_pkg']),
    ('p_power', 'SiC 功率模块封装', ['SiC', '功率模块'], 'SiC 功率模块的封装与散热', 'ic:封装测试', ['ic_pkg', 'ic_fa', 'ic_sic']),
    ('p_power', '碳化硅外延缺陷控制', ['碳化硅', '外延'], '碳化硅外延片缺陷密度偏高', 'ic:半导体材料与装备', ['ic_sic', 'ic_resist']),
    ('p_chip', '光刻胶国产化验证', ['光刻胶'], '国产光刻胶在产线上的验证', 'ic:半导体材料与装备', ['ic_resist']),
    ('p_pharma', '原料药杂质控制', ['原料药', '杂质'], '原料药合成工艺中的杂质控制与工艺优化', 'biomed:原料药与试剂', ['bm_api']),
    ('p_pharma', '抗体药物筛选合作', ['抗体', '药物筛选'], '肿瘤抗体候选分子的筛选与亲和力优化', 'biomed:创新药研发', ['bm_ab', 'bm_target']),
    ('p_device', '有源器械注册检验', ['电磁兼容', '注册检验'], '有源医疗器械注册所需的电磁兼容与生物相容性检验', 'biomed:医疗器械', ['bm_device', 'bm_cro']),
]
# fmt: on


def as_dicts() -> dict[str, Any]:
    return {"solvers": SOLVERS, "posters": POSTERS, "policies": POLICIES, "demands": DEMANDS}
