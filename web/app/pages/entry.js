// entry.js — 数据填报: a grid of values for one month. A unit's reporter (or
// the office, choosing a unit) sees its unit's indicators; a data department
// sees units × its indicators. Typing is checked at once (numbers; 缺 = reported
// missing), a block copied from Excel (tab-separated) pastes across cells,
// 保存草稿 writes drafts (PUT /values), 提交审核 writes and submits
// ({"submit": true}); approved and submitted values, and locked periods, are
// read-only. Which indicators a unit files is taken from its values of the
// same month a year ago (or else of the past twelve months), and their names from the scheme's inputs
// (GET /schemes/{id}). A returned value shows the reviewer's note.
import { get, put, getAll, defaultScheme } from '../api.js';
import { t } from '../i18n.js';
import { h, fmt, select, field, periods, periodName, previousPeriod, stateBadge, toast, showError } from '../ui.js';

// The default scheme's inputs, {code: {name, unit}} in the scheme's order.
async function inputNames() {
  const out = {};
  for (const i of ((await defaultScheme()) || { inputs: [] }).inputs)
    out[i.id] = { name: i.name || i.id, unit: i.unit || '' };
  return out;
}

function lockedSet(ps) {
  const locked = ps.filter(p => p.locked).map(p => p.code);
  return (code) => locked.some(l => code === l || (l.length === 4 && code.startsWith(l)) ||
    (/H|Q/.test(l) && code.length === 7 && code.startsWith(l.slice(0, 4)) && inside(l, +code.slice(5))));
}
function inside(l, month) {
  const n = +l.slice(5);
  return l[4] === 'H' ? Math.ceil(month / 6) === n : Math.ceil(month / 3) === n;
}

// What the reviewer said when returning value v.
function returnedNote(v) {
  return h('small.returned-note', h('span', ' ' + t('entry.returned')), v.note ? h('q.note', v.note) : null);
}

// Text typed into a cell → {ok, value}: '' is nothing, 缺 / - is null.
export function parseCell(s) {
  s = s.trim().replace(/[,，\s]/g, '');
  if (s === '') return { ok: true, empty: true };
  if (s === '缺' || s === '-' || s === '—') return { ok: true, value: null };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?$/i.test(s)) return { ok: false };
  return { ok: true, value: Number(s.replace('%', '')) };
}

export async function render(view, ctx) {
  const acc = ctx.session.account;
  const ps = await periods(true);
  const isLocked = lockedSet(ps);
  const months = ps.map(p => p.code).filter(c => /^\d{4}-\d{2}$/.test(c)).sort().reverse();
  const open = months.filter(m => !isLocked(m));
  const period = ctx.params.get('period') || open[0] || months[0];
  const locked = isLocked(period);
  const deptMode = acc.role === 'dept';
  let unit = acc.unit;
  let units = [];
  if (acc.role === 'admin') {
    units = (await get('/units', { limit: 1000 })).filter(u => ['town', 'dept', 'parkA', 'parkB'].includes(u.category));
    unit = ctx.params.get('unit') || units[0].id;
  }

  // The past twelve months tell which unit × indicator pairs are filed.
  const past = [];
  for (let p = previousPeriod(period), i = 0; p && i < 12; p = previousPeriod(p), i++) past.push(p);
  const scope = deptMode ? {} : { unit };
  const [names, current, ...history] = await Promise.all([inputNames(),
    getAll('/values', { ...scope, period }), ...past.map(p => getAll('/values', { ...scope, period: p }))]);
  const last = new Map();   // unit|indicator → latest earlier value
  for (const rows of history.slice().reverse()) for (const v of rows) last.set(`${v.unit}|${v.indicator}`, v);
  const now = new Map(current.map(v => [`${v.unit}|${v.indicator}`, v]));
  const unitNames = new Map((deptMode ? await get('/units', { limit: 1000 }) : units).map(u => [u.id, u.name]));

  let rowKeys, colKeys;
  if (deptMode) {
    colKeys = acc.indicators.slice();
    rowKeys = [...new Set([...last.keys(), ...now.keys()].map(k => k.split('|')[0]))].sort();
  } else {
    // The indicators filed for this month a year ago (a quarterly figure is
    // not asked for in January), or if none, for any of the past months.
    const yearAgo = past.length === 12 ? history[11] : [];
    const base = yearAgo.length ? yearAgo.map(v => v.indicator) : [...last.keys()].map(k => k.split('|')[1]);
    rowKeys = [...new Set([...base, ...current.map(v => v.indicator)])]
      .sort((a, b) => Object.keys(names).indexOf(a) - Object.keys(names).indexOf(b));
    colKeys = [unit];
  }

  const nav = (p) => ctx.go('/entry?' + new URLSearchParams({ period, ...(acc.role === 'admin' ? { unit } : {}), ...p }));
  view.append(h('div.pagehead', h('h1', `${t('entry.title')} · ${periodName(period)}`),
    h('div.controls',
      acc.role === 'admin' ? field(t('unit'), select(units.map(u => [u.id, `${u.name} (${u.id})`]), unit, { onchange: e => nav({ unit: e.target.value }) })) : null,
      field(t('period'), select(months.map(m => [m, periodName(m) + (isLocked(m) ? ' 🔒' : '')]), period, { onchange: e => nav({ period: e.target.value }) })))));
  if (locked) view.append(h('p.banner.locked', { role: 'status' }, t('entry.locked')));
  view.append(h('p.hint', t('entry.hint')));

  const cells = [];   // [row][col] → input or null
  const editable = (v) => !locked && (acc.role === 'admin' || !v || v.state === 'draft' || v.state === 'returned');
  const mkCell = (u, ind, label) => {
    const v = now.get(`${u}|${ind}`);
    const inp = h('input.cell', { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-label': label,
      'data-unit': u, 'data-indicator': ind, value: v ? (v.value === null ? '缺' : String(v.value)) : '',
      readOnly: !editable(v), 'aria-readonly': editable(v) ? null : 'true' });
    inp.dataset.orig = inp.value;
    inp.addEventListener('input', () => check(inp));
    inp.addEventListener('paste', (ev) => paste(ev, inp));
    return { inp, v };
  };
  const check = (inp) => {
    const r = parseCell(inp.value);
    inp.classList.toggle('invalid', !r.ok);
    inp.classList.toggle('changed', r.ok && inp.value.trim() !== inp.dataset.orig);
    inp.setAttribute('aria-invalid', r.ok ? 'false' : 'true');
    inp.title = r.ok ? '' : t('entry.invalid');
    return r;
  };
  const paste = (ev, inp) => {
    const text = (ev.clipboardData || window.clipboardData).getData('text');
    if (!/[\t\n]/.test(text)) return;
    ev.preventDefault();
    const lines = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n').map(l => l.split('\t'));
    const r0 = +inp.dataset.r, c0 = +inp.dataset.c;
    lines.forEach((cols, i) => cols.forEach((s, j) => {
      const target = cells[r0 + i] && cells[r0 + i][c0 + j];
      if (target && !target.readOnly) { target.value = s.trim(); check(target); }
    }));
  };

  let table;
  if (deptMode) {
    table = h('table.entry', h('thead', h('tr', h('th', t('unit')), colKeys.map(ind => h('th', (names[ind] || {}).name || ind, h('small', ` ${(names[ind] || {}).unit || ''}`))))),
      h('tbody', rowKeys.map((u, r) => h('tr', h('th', { scope: 'row' }, unitNames.get(u) || u, h('small', ' ' + u)),
        colKeys.map((ind, c) => {
          const { inp, v } = mkCell(u, ind, `${unitNames.get(u) || u} ${(names[ind] || {}).name || ind}`);
          inp.dataset.r = r; inp.dataset.c = c; (cells[r] = cells[r] || [])[c] = inp;
          const p = last.get(`${u}|${ind}`);
          return h('td', inp, v ? stateBadge(v.state) : null, v && v.state === 'returned' ? returnedNote(v) : null,
            p ? h('small.prev', `${t('entry.prev')} ${fmt(p.value, 4)}`) : null);
        })))));
  } else {
    table = h('table.entry.single', h('thead', h('tr', h('th', t('indicator')), h('th', t('entry.prev')), h('th', t('value')), h('th', t('state')))),
      h('tbody', rowKeys.map((ind, r) => {
        const nm = names[ind] || { name: ind, unit: '' };
        const { inp, v } = mkCell(unit, ind, `${nm.name}（${nm.unit}）`);
        inp.dataset.r = r; inp.dataset.c = 0; cells[r] = [inp];
        const p = last.get(`${unit}|${ind}`);
        return h('tr', { class: v && v.state === 'returned' ? 'returned' : null, 'data-indicator': ind },
          h('th', { scope: 'row' }, h('label', { for: inp.id = 'v-' + ind }, nm.name), h('small', ` ${ind} · ${nm.unit}`)),
          h('td.num', p ? `${fmt(p.value, 4)}（${periodName(p.period)}）` : '—'),
          h('td', inp),
          h('td', v ? stateBadge(v.state) : '—', v && v.state === 'returned' ? returnedNote(v) : null));
      })));
  }
  if (!rowKeys.length) { view.append(h('p.muted', t('entry.nounits'))); return; }

  const all = () => cells.flat().filter(Boolean);
  const collect = (withDrafts) => {
    const bad = all().filter(i => !check(i).ok);
    if (bad.length) { toast(t('entry.fix', bad.length), 'err'); bad[0].focus(); return null; }
    const out = [];
    for (const i of all()) {
      if (i.readOnly) continue;
      const r = parseCell(i.value);
      const v = now.get(`${i.dataset.unit}|${i.dataset.indicator}`);
      const changed = i.value.trim() !== i.dataset.orig;
      if (r.empty) continue;
      if (changed || (withDrafts && v && (v.state === 'draft' || v.state === 'returned')))
        out.push({ unit: i.dataset.unit, indicator: i.dataset.indicator, period, value: r.value });
    }
    return out;
  };
  const save = async (submit) => {
    const rows = collect(submit);
    if (!rows) return;
    if (!rows.length) { toast(t('entry.nothing'), 'warn'); return; }
    try {
      const d = await put('/values', { values: rows, ...(submit ? { submit: true } : {}) });
      toast(submit ? t('entry.submitted', d.values.length) : t('entry.saved', d.values.length));
      ctx.go(location.pathname + location.search, true);
    } catch (e) {
      showError(e);
      const m = e.field && e.field.match(/values\[(\d+)\]/);
      if (m && rows[+m[1]]) {
        const i = all().find(x => x.dataset.unit === rows[+m[1]].unit && x.dataset.indicator === rows[+m[1]].indicator);
        if (i) { i.classList.add('invalid'); i.focus(); }
      }
    }
  };
  const form = h('form.entryform', { onsubmit: (ev) => { ev.preventDefault(); save(false); } },
    h('div.tablewrap', table),
    locked ? null : h('div.actions',
      h('button', { type: 'submit' }, t('entry.save')),
      h('button.primary#submit-values', { type: 'button', onclick: () => save(true) }, t('entry.submit'))));
  view.append(form);
}
