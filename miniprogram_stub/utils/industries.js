// The industry codes of the reference data (app/seed/reference.py), for the 发榜 form's picker.
const INDUSTRIES = [
  ['ai', '人工智能'], ['ic', '集成电路'], ['ict', '新一代信息技术'], ['iot', '物联网'], ['digital_economy', '数字经济'],
  ['biomed', '生物医药'], ['medical_device', '医疗器械'], ['new_energy', '新能源'], ['new_material', '新材料'],
  ['nano', '纳米技术'], ['robotics', '机器人'], ['high_end_equipment', '高端装备'], ['smart_grid', '智能电网'],
  ['marine_equipment', '船舶海工'], ['aviation', '航空航天'], ['textile', '高端纺织'], ['geo_info', '地理信息'],
  ['forensics', '司法鉴定'], ['green_lowcarbon', '绿色低碳'], ['chemicals', '精细化工'],
].map(([value, label]) => ({ value, label }));

module.exports = { INDUSTRIES };
