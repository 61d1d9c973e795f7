// review.js — 审核: the values waiting for review (GET /values?state=submitted),
// grouped by period; the reviewer ticks some and approves them, or returns
// them with a note the unit must act on (POST /values/review).
import { get, post, getAll } from '../api.js';
import { t } from '../i18n.js';
import { h, fmt, field, periodName, toast, showError } from '../ui.js';

export async function render(view, ctx) {
  const [rows, units] = await Promise.all([getAll('/values', { state: 'submitted' }), get('/units', { limit: 1000 })]);
  const unitName = new Map(units.map(u => [u.id, u.name]));
  view.append(h('div.pagehead', h('h1', t('review.title'), h('small', ` (${rows.length})`))));
  if (!rows.length) { view.append(h('p.muted#review-empty', t('review.empty'))); return; }

  const boxes = [];
  const all = h('input', { type: 'checkbox', 'aria-label': t('all'), onchange: () => boxes.forEach(b => { b.checked = all.checked; }) });
  const note = h('textarea', { rows: 2, maxlength: 1000, name: 'note' });
  const table = h('table.review', h('thead', h('tr', h('th', all), h('th', t('unit')), h('th', t('indicator')), h('th', t('period')),
    h('th', t('value')), h('th', t('by')), h('th', t('at')))),
  h('tbody', rows.map((v, i) => {
    const b = h('input', { type: 'checkbox', 'aria-label': `${unitName.get(v.unit) || v.unit} ${v.indicator} ${v.period}`, 'data-i': i });
    boxes.push(b);
    return h('tr', { 'data-unit': v.unit, 'data-indicator': v.indicator, 'data-period': v.period },
      h('td', b), h('td', unitName.get(v.unit) || v.unit, h('small', ' ' + v.unit)), h('td', v.indicator),
      h('td', periodName(v.period)), h('td.num', fmt(v.value, 4)), h('td', v.by || ''), h('td', (v.at || '').replace('T', ' ').replace('Z', '')));
  })));
  const chosen = () => boxes.filter(b => b.checked).map(b => rows[+b.dataset.i]).map(v => ({ unit: v.unit, indicator: v.indicator, period: v.period }));
  const act = async (action) => {
    const items = chosen();
    if (!items.length) { toast(t('review.select'), 'warn'); return; }
    if (action === 'return' && !note.value.trim()) { toast(t('review.needsnote'), 'warn'); note.focus(); return; }
    try {
      const d = await post('/values/review', { action, items, ...(action === 'return' ? { note: note.value.trim() } : {}) });
      toast(t('review.done', d.items.length));
      ctx.go('/review', true);
    } catch (e) { showError(e); }
  };
  view.append(h('form.panel', { onsubmit: (ev) => { ev.preventDefault(); act('approve'); } },
    h('div.tablewrap', table),
    field(t('review.note'), note),
    h('div.actions',
      h('button.primary#approve', { type: 'submit' }, t('review.approve')),
      h('button.danger#return', { type: 'button', onclick: () => act('return') }, t('review.return')))));
}
