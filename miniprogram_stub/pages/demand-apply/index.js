// 我要揭榜: apply to a published 榜单 for the acting organisation, alone or jointly with partner organisations.
const client = require('../../utils/client.js');
const config = require('../../config.js');
const draft = require('../../utils/draft.js');

function draftKey(demandId) {
  return `demand_apply_draft_${demandId}`;
}

function emptyApplication() {
  return { partners: [], proposal: '', team: '', budget_wan_yuan: '', timeline: '', contact_name: '', contact_phone: '', attachments: [] };
}

// A partner organisation (联合揭榜单位) by its id, with its share of the work.
function addPartner(form, { org_id, role = '' }) {
  const id = Number(org_id);
  if (!Number.isInteger(id) || id < 1) throw new Error('请选择联合揭榜单位');
  if (form.partners.some((p) => p.org_id === id)) throw new Error('联合揭榜单位不能重复');
  return { ...form, partners: form.partners.concat([{ org_id: id, role: String(role).trim() }]) };
}

function removePartner(form, index) {
  return { ...form, partners: form.partners.filter((_, i) => i !== index) };
}

function buildApplicationBody(form) {
  const body = {
    partners: form.partners.map((p) => (p.role ? { org_id: p.org_id, role: p.role } : { org_id: p.org_id })),
    proposal: String(form.proposal || '').trim(),
    team: String(form.team || '').trim(),
    timeline: String(form.timeline || '').trim(),
    contact_name: String(form.contact_name || '').trim(),
    contact_phone: String(form.contact_phone || '').trim(),
    attachments: form.attachments.map((a) => ({ name: a.name, url: client.absoluteUrl(a.url) })),
  };
  const budget = Number(String(form.budget_wan_yuan || '').trim());
  if (String(form.budget_wan_yuan || '').trim() && Number.isFinite(budget)) body.budget_wan_yuan = budget;
  return body;
}

async function loadDemand(demandId) {
  return client.call('demands_get', { params: { demand_id: demandId } });
}

async function submitApplication(demandId, form) {
  const application = await client.call('applications_create', { params: { demand_id: demandId }, body: buildApplicationBody(form) });
  draft.clear(draftKey(demandId));
  const granted = await client.requestSubscribe([config.subscribeTemplates.applicationResult]);
  return { application, granted };
}

async function addAttachment(form, filePath) {
  const up = await client.upload(filePath, { kind: 'attachment' });
  return { ...form, attachments: form.attachments.concat([{ upload_id: up.id, name: up.filename, url: up.url }]) };
}

Page({
  data: { demandId: null, demand: null, form: emptyApplication(), partnerId: '', partnerRole: '', saving: false },
  async onLoad(options) {
    const demandId = Number(options.demand_id);
    const saved = draft.load(draftKey(demandId));
    this.setData({ demandId, form: saved ? { ...emptyApplication(), ...saved.form } : emptyApplication() });
    try {
      this.setData({ demand: await loadDemand(demandId) });
    } catch (e) { /* toast shown */ }
  },
  keep(form) {
    draft.save(draftKey(this.data.demandId), form);
    this.setData({ form });
  },
  onInput(e) {
    this.keep({ ...this.data.form, [e.currentTarget.dataset.field]: e.detail.value });
  },
  onPartnerInput(e) {
    this.setData({ [e.currentTarget.dataset.field]: e.detail.value });
  },
  onAddPartner() {
    try {
      this.keep(addPartner(this.data.form, { org_id: this.data.partnerId, role: this.data.partnerRole }));
      this.setData({ partnerId: '', partnerRole: '' });
    } catch (e) {
      wx.showToast({ title: e.message, icon: 'none' });
    }
  },
  onRemovePartner(e) {
    this.keep(removePartner(this.data.form, Number(e.currentTarget.dataset.index)));
  },
  onChooseAttachment() {
    wx.chooseMessageFile({
      count: 1,
      type: 'file',
      success: async (res) => {
        try {
          this.keep(await addAttachment(this.data.form, res.tempFiles[0].path));
        } catch (e) { /* toast shown */ }
      },
    });
  },
  async onSubmit() {
    this.setData({ saving: true });
    try {
      await submitApplication(this.data.demandId, this.data.form);
      wx.showToast({ title: '揭榜申请已提交', icon: 'success' });
      wx.setStorageSync('my_tab', 'applications');
      wx.switchTab({ url: '/pages/my/index' });
    } catch (e) { /* toast shown */ }
    this.setData({ saving: false });
  },
});

module.exports = { emptyApplication, addPartner, removePartner, buildApplicationBody, loadDemand, submitApplication, addAttachment };
