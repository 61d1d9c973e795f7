// explain.js — the explanation dialog: the trace of one score
// (GET /scores/{period}/units/{unit}/explain?node=) as kaohe explain prints it,
// and for the unit's own reporter a form that files an appeal against that
// scored item, uploading the chosen evidence files first (POST /evidence,
// then POST /appeals {unit, node, period, reason, evidence}).
import { api, get, post, qs } from './api.js';
import { t } from './i18n.js';
import { h, modal, field, toast, showError } from './ui.js';

export async function openExplain(ctx, { period, unit, unitName, node, nodeName }) {
  const dlg = modal(t('explain.title', unitName || unit, nodeName || node), h('p', t('loading')));
  try {
    const d = await get(`/scores/${encodeURIComponent(period)}/units/${encodeURIComponent(unit)}/explain`, { node });
    dlg.body.replaceChildren(h('pre.trace', d.text));
  } catch (e) {
    dlg.body.replaceChildren(h('p.error', e.message));
    return dlg;
  }
  const acc = ctx.session.account;
  if (acc.role === 'reporter' && acc.unit === unit) {
    const reason = h('textarea', { rows: 3, required: true, maxlength: 4000, name: 'reason' });
    const files = h('input', { type: 'file', multiple: true, name: 'evidence' });
    const form = h('form.appeal', { onsubmit: async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) { reason.focus(); return; }
      try {
        const evidence = [];
        for (const f of files.files) {
          const e = await api('POST', '/evidence' + qs({ name: f.name, unit }), f, { raw: true, type: f.type || 'application/octet-stream' });
          evidence.push(e.id);
        }
        const a = await post('/appeals', { unit, node, period, reason: reason.value.trim(), ...(evidence.length ? { evidence } : {}) });
        toast(t('explain.filed', a.id));
        dlg.close();
        ctx.go('/appeals?id=' + a.id);
      } catch (e) { showError(e); }
    } }, h('h3', t('explain.appeal')), field(t('explain.reason'), reason), field(t('explain.evidence'), files),
    h('button.primary', { type: 'submit' }, t('explain.file')));
    dlg.body.append(form);
  }
  return dlg;
}
