// appeals.js — 申诉: the appeals this account may see (GET /appeals), one
// appeal with its decision and diff (GET /appeals/{id}), and for the office
// the decision form (POST /appeals/{id}/decision: accept with optional
// corrections, one "indicator, period, value" per line, or reject with a
// reason). Evidence files download from GET /evidence/{id}. Appeals are filed from a score's
// explanation (explain.js).
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { h, field, periodName, toast, showError, stateBadge } from '../ui.js';
import { diffTable } from '../table.js';

export async function render(view, ctx) {
  const acc = ctx.session.account;
  const [list, units] = await Promise.all([get('/appeals'), get('/units', { limit: 1000 })]);
  const unitName = new Map(units.map(u => [u.id, u.name]));
  const id = ctx.params.get('id');
  view.append(h('div.pagehead', h('h1', t('appeals.title'))));
  if (acc.role === 'reporter') view.append(h('p.hint', t('appeals.howto')));
  const listEl = list.length ? h('table.compact.appeals', h('thead', h('tr', h('th', '#'), h('th', t('unit')), h('th', t('indicator')),
    h('th', t('period')), h('th', t('appeals.reason')), h('th', t('state')), h('th', t('appeals.filed')))),
  h('tbody', list.map(a => h('tr', { 'data-id': a.id, class: String(a.id) === id ? 'current' : null },
    h('td', h('a', { href: `/appeals?id=${a.id}`, 'data-link': '' }, `#${a.id}`)),
    h('td', unitName.get(a.unit) || a.unit), h('td', a.node), h('td', periodName(a.period)),
    h('td.reason', a.reason), h('td', stateBadge(a.state)), h('td', `${a.filed_by} ${(a.filed_at || '').slice(0, 10)}`)))))
    : h('p.muted', t('appeals.empty'));
  const detail = h('div.appeal-detail');
  view.append(h('div.two', h('section.panel', listEl), detail));
  if (id) await showOne(detail, id, ctx, unitName);
}

async function showOne(box, id, ctx, unitName) {
  const a = await get(`/appeals/${encodeURIComponent(id)}`);
  const acc = ctx.session.account;
  const sec = h('section.panel#appeal', { 'data-state': a.state },
    h('h2', `#${a.id} · ${unitName.get(a.unit) || a.unit} · ${a.node} · ${periodName(a.period)}`),
    h('dl',
      h('dt', t('state')), h('dd', stateBadge(a.state)),
      h('dt', t('appeals.reason')), h('dd', a.reason),
      h('dt', t('appeals.filed')), h('dd', `${a.filed_by} · ${a.filed_at}`),
      a.evidence && a.evidence.length ? [h('dt', t('appeals.evidence')), h('dd.evidence', a.evidence.map(e =>
        h('a', { href: `/api/v1/evidence/${e}`, download: '' }, `${t('appeals.file')} #${e}`)))] : null,
      a.state !== 'open' ? [h('dt', t('appeals.decision')), h('dd.decision', `${a.decision || '—'}（${a.decided_by} · ${a.decided_at}）`)] : null,
      a.affected && a.affected.length ? [h('dt', t('appeals.affected')), h('dd', a.affected.map(u => unitName.get(u) || u).join('、'))] : null));
  if (a.diff && a.diff.units) sec.append(diffTable(a.diff.units));
  if (acc.role === 'admin' && a.state === 'open') {
    const reason = h('textarea', { rows: 3, name: 'reason', maxlength: 4000 });
    const corr = h('textarea', { name: 'corrections', rows: 2, placeholder: 'tasks_done, 2024-02, 6' });
    const decide = async (accept) => {
      const body = { accept };
      if (reason.value.trim()) body.reason = reason.value.trim();
      if (!accept && !body.reason) { toast(t('review.needsnote'), 'warn'); reason.focus(); return; }
      if (accept && corr.value.trim()) {
        body.corrections = [];
        for (const line of corr.value.split('\n').map(l => l.trim()).filter(Boolean)) {
          const [indicator, period, value] = line.split(/[,，\t]\s*/).map(s => s.trim());
          const v = value === undefined || value === '' || value === '缺' ? null : Number(value);
          if (!indicator || !period || Number.isNaN(v)) { toast(t('appeals.badcorr', line), 'err'); corr.focus(); return; }
          body.corrections.push({ unit: a.unit, indicator, period, value: v });
        }
      }
      try {
        await post(`/appeals/${a.id}/decision`, body);
        toast(t('appeals.decided'));
        ctx.go(`/appeals?id=${a.id}`, true);
      } catch (e) { showError(e); }
    };
    sec.append(h('form.decide', { onsubmit: (ev) => { ev.preventDefault(); decide(false); } },
      field(t('appeals.decision'), reason), field(t('appeals.corr'), corr),
      h('div.actions', h('button.danger#reject', { type: 'submit' }, t('appeals.reject')),
        h('button.primary#accept', { type: 'button', onclick: () => decide(true) }, t('appeals.accept')))));
  }
  box.replaceChildren(sec);
}
