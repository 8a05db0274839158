// 我要发榜: the demand form. Every change is kept as a local draft; 保存草稿 stores it on the server (a draft 榜单);
// 提交审核 saves and submits it, then asks for the subscribe-message grant of the review result.
const client = require('../../utils/client.js');
const config = require('../../config.js');
const draft = require('../../utils/draft.js');
const { INDUSTRIES } = require('../../utils/industries.js');

const DRAFT_KEY = 'demand_post_draft';
const DEMAND_TYPES = [
  { value: 'tackling', label: '技术攻关' },
  { value: 'transfer', label: '成果转化' },
  { value: 'joint_rd', label: '联合研发' },
  { value: 'consulting', label: '技术咨询' },
];

function emptyForm() {
  return {
    id: null, title: '', demand_type: 'tackling', industry_code: '', chain_code: '', keywords: '',
    description: '', tech_targets: '', expected_result: '', reward_wan_yuan: '', reward_negotiable: false,
    deadline: '', period_months: '', eligibility: '', contact_name: '', contact_phone: '', attachments: [],
  };
}

function text(v) {
  const s = v === undefined || v === null ? '' : String(v).trim();
  return s || undefined;
}

function number(v) {
  const s = text(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

// The API body of a form: empty fields left out, keywords split, the deadline (a date picked in China) as the end
// of that day in +08:00, attachments as {name, url} of uploads.
function buildDemandBody(form) {
  const body = {
    title: text(form.title),
    demand_type: text(form.demand_type),
    industry_code: text(form.industry_code),
    chain_code: text(form.chain_code),
    keywords: text(form.keywords) ? String(form.keywords).split(/[,，;；\s]+/).filter(Boolean) : undefined,
    description: text(form.description),
    tech_targets: text(form.tech_targets),
    expected_result: text(form.expected_result),
    reward_negotiable: form.reward_negotiable ? true : undefined,
    reward_wan_yuan: form.reward_negotiable ? undefined : number(form.reward_wan_yuan),
    deadline: text(form.deadline) ? `${String(form.deadline).trim()}T23:59:59+08:00` : undefined,
    period_months: number(form.period_months),
    eligibility: text(form.eligibility),
    contact_name: text(form.contact_name),
    contact_phone: text(form.contact_phone),
    attachments: form.attachments && form.attachments.length
      ? form.attachments.map((a) => ({ name: a.name, url: client.absoluteUrl(a.url) }))
      : undefined,
  };
  Object.keys(body).forEach((k) => body[k] === undefined && delete body[k]);
  return body;
}

function restoreDraft() {
  const saved = draft.load(DRAFT_KEY);
  return saved ? { ...emptyForm(), ...saved.form } : emptyForm();
}

function keepLocal(form) {
  draft.save(DRAFT_KEY, form);
  return form;
}

// 保存草稿: creates the draft 榜单 on the server the first time, updates it after. Returns the form with its id.
async function saveDraft(form) {
  keepLocal(form);
  const body = buildDemandBody(form);
  const saved = form.id
    ? await client.call('demands_update', { params: { demand_id: form.id }, body })
    : await client.call('demands_create', { body });
  return keepLocal({ ...form, id: saved.id });
}

// 提交审核: save, submit, forget the local draft, then ask for the review-result subscribe message.
async function submitDemand(form) {
  const saved = await saveDraft(form);
  const demand = await client.call('demands_submit', { params: { demand_id: saved.id } });
  draft.clear(DRAFT_KEY);
  const granted = await client.requestSubscribe([config.subscribeTemplates.demandReviewed]);
  return { demand, granted };
}

// Uploads a chosen file and adds it to the form's attachments.
async function addAttachment(form, filePath) {
  const up = await client.upload(filePath, { kind: 'attachment' });
  return keepLocal({ ...form, attachments: form.attachments.concat([{ upload_id: up.id, name: up.filename, url: up.url }]) });
}

function removeAttachment(form, index) {
  return keepLocal({ ...form, attachments: form.attachments.filter((_, i) => i !== index) });
}

Page({
  data: { form: emptyForm(), types: DEMAND_TYPES, typeIndex: 0, industries: INDUSTRIES, industryIndex: -1, saving: false, savedAt: '' },
  onLoad() {
    const form = restoreDraft();
    this.setData({
      form,
      typeIndex: Math.max(0, DEMAND_TYPES.findIndex((t) => t.value === form.demand_type)),
      industryIndex: INDUSTRIES.findIndex((i) => i.value === form.industry_code),
    });
  },
  onInput(e) {
    const { field } = e.currentTarget.dataset;
    const form = { ...this.data.form, [field]: e.detail.value };
    this.setData({ form: keepLocal(form) });
  },
  onTypeChange(e) {
    const typeIndex = Number(e.detail.value);
    this.setData({ typeIndex, form: keepLocal({ ...this.data.form, demand_type: DEMAND_TYPES[typeIndex].value }) });
  },
  onIndustryChange(e) {
    const industryIndex = Number(e.detail.value);
    this.setData({ industryIndex, form: keepLocal({ ...this.data.form, industry_code: INDUSTRIES[industryIndex].value }) });
  },
  onNegotiableChange(e) {
    this.setData({ form: keepLocal({ ...this.data.form, reward_negotiable: !!e.detail.value }) });
  },
  onChooseAttachment() {
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      success: async (res) => {
        try {
          this.setData({ form: await addAttachment(this.data.form, res.tempFiles[0].path) });
        } catch (e) { /* toast shown */ }
      },
    });
  },
  onRemoveAttachment(e) {
    this.setData({ form: removeAttachment(this.data.form, Number(e.currentTarget.dataset.index)) });
  },
  async onSaveDraft() {
    this.setData({ saving: true });
    try {
      const form = await saveDraft(this.data.form);
      this.setData({ form, savedAt: new Date().toLocaleTimeString() });
      wx.showToast({ title: '草稿已保存', icon: 'success' });
    } catch (e) { /* toast shown; the local draft is kept */ }
    this.setData({ saving: false });
  },
  async onSubmit() {
    this.setData({ saving: true });
    try {
      await submitDemand(this.data.form);
      wx.showToast({ title: '已提交审核', icon: 'success' });
      // 我的 is a tab page: switchTab carries no query, so the tab to show goes through storage.
      wx.setStorageSync('my_tab', 'demands');
      wx.switchTab({ url: '/pages/my/index' });
    } catch (e) { /* toast shown */ }
    this.setData({ saving: false });
  },
});

module.exports = {
  DRAFT_KEY, emptyForm, buildDemandBody, restoreDraft, keepLocal, saveDraft, submitDemand, addAttachment, removeAttachment,
};
