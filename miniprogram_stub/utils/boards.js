// The six boards (plus 合作清单) and their collections, each with its list and detail operation.
const BOARDS = [
  {
    key: 'policy', name: '政策发布', collections: [
      { key: 'policies', name: '政策', list: 'policy_list', get: 'policy_get', idParam: 'policy_id' },
    ],
  },
  {
    key: 'resources', name: '资源共享', collections: [
      { key: 'resources', name: '资源', list: 'resources_resource_list', get: 'resources_resource_get', idParam: 'resource_id' },
    ],
  },
  {
    key: 'tech', name: '技术对接', collections: [
      { key: 'demands', name: '揭榜挂帅', list: 'demands_list', get: 'demands_get', idParam: 'demand_id' },
      { key: 'managers', name: '技术经理人', list: 'tech_manager_list', get: 'tech_manager_get', idParam: 'manager_id' },
      { key: 'alliances', name: '链式联盟', list: 'tech_alliance_list', get: 'tech_alliance_get', idParam: 'alliance_id' },
    ],
  },
  {
    key: 'finance', name: '金融服务', collections: [
      { key: 'funds', name: '基金', list: 'finance_fund_list', get: 'finance_fund_get', idParam: 'fund_id' },
      { key: 'products', name: '金融产品', list: 'finance_product_list', get: 'finance_product_get', idParam: 'product_id' },
      { key: 'financing-needs', name: '融资需求', list: 'finance_financing_need_list', get: 'finance_financing_need_get', idParam: 'need_id' },
      { key: 'stations', name: '服务工作站', list: 'finance_station_list', get: 'finance_station_get', idParam: 'station_id' },
    ],
  },
  {
    key: 'talent', name: '人才交流', collections: [
      { key: 'services', name: '人才服务', list: 'talent_service_list', get: 'talent_service_get', idParam: 'service_id' },
      { key: 'jobs', name: '招聘', list: 'talent_job_list', get: 'talent_job_get', idParam: 'job_id' },
      { key: 'experts', name: '专家库', list: 'talent_expert_list', get: 'talent_expert_get', idParam: 'expert_id' },
      { key: 'programmes', name: '联合培养', list: 'talent_programme_list', get: 'talent_programme_get', idParam: 'programme_id' },
    ],
  },
  {
    key: 'showcase', name: '成果展示', collections: [
      { key: 'achievements', name: '科技成果', list: 'showcase_achievement_list', get: 'showcase_achievement_get', idParam: 'achievement_id' },
      { key: 'events', name: '活动', list: 'showcase_event_list', get: 'showcase_event_get', idParam: 'event_id' },
    ],
  },
  {
    key: 'cooperation', name: '合作清单', collections: [
      { key: 'items', name: '合作事项', list: 'cooperation_item_list', get: 'cooperation_item_get', idParam: 'item_id' },
    ],
  },
];

function findBoard(key) {
  const board = BOARDS.find((b) => b.key === key);
  if (!board) throw new Error(`unknown board ${key}`);
  return board;
}

function findCollection(boardKey, collectionKey) {
  const board = findBoard(boardKey);
  const coll = collectionKey ? board.collections.find((c) => c.key === collectionKey) : board.collections[0];
  if (!coll) throw new Error(`unknown collection ${boardKey}/${collectionKey}`);
  return { board, coll };
}

function itemTitle(item) {
  return (item && (item.title || item.name)) || '';
}

module.exports = { BOARDS, findBoard, findCollection, itemTitle };
