// snapshots.js — 已发布结果: the published snapshots (GET /snapshots), newest
// first, and one snapshot's league tables (GET /snapshots/{id}) with the same
// grouped-header table as the live league; when the period was published
// before, what changed since (GET /snapshots/{prev}/diff/{id}): each unit's
// total, rank, tier and scores, why it moved, and the input records behind it.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h, select, field, periodName, download } from '../ui.js';
import { leagueTable, leagueCsv, diffTable } from '../table.js';

export async function render(view, ctx) {
  const list = await get('/snapshots');
  view.append(h('div.pagehead', h('h1', t('snap.title'))));
  if (!list.length) { view.append(h('p.muted', t('snap.empty'))); return; }
  view.append(h('section.panel', h('table.compact#snapshots', h('thead', h('tr', h('th', '#'), h('th', t('period')), h('th', '方案'),
    h('th', '发布时间'), h('th', '发布人'), h('th', 'SHA-256'))),
  h('tbody', list.map(s => h('tr', { 'data-id': s.id },
    h('td', h('a', { href: `/snapshots?id=${s.id}`, 'data-link': '' }, `#${s.id}`)), h('td', periodName(s.period)),
    h('td', `${s.scheme} v${s.version}`), h('td', (s.published_at || '').replace('T', ' ').replace('Z', '')), h('td', s.published_by),
    h('td', h('code', s.hash.slice(0, 16) + '…'))))))));
  const id = ctx.params.get('id');
  if (!id) return;
  const snap = await get(`/snapshots/${encodeURIComponent(id)}`);
  const cat = snap.categories.find(c => c.category === ctx.params.get('category')) || snap.categories[0];
  const s = snap.snapshot;
  view.append(h('div.pagehead', h('h2', t('league.snapshot', s.id, periodName(s.period), (s.published_at || '').slice(0, 10))),
    h('div.controls', field(t('category'), select(snap.categories.map(c => [c.category, c.name]), cat.category,
      { onchange: e => ctx.go(`/snapshots?id=${id}&category=${e.target.value}`) })),
    h('button', { type: 'button', onclick: () => download(`snapshot-${s.id}-${cat.category}.csv`, leagueCsv(cat)) }, t('league.export')))));
  view.append(leagueTable(cat, { caption: `${snap.name} · ${cat.name}` }));
  const prev = list.find(x => x.period === s.period && x.id < s.id);
  if (prev) view.append(await diffPanel(prev, s));
}

async function diffPanel(prev, s) {
  const d = await get(`/snapshots/${prev.id}/diff/${s.id}`);
  const sec = h('section.panel#diff', h('h2', t('snap.diff', prev.id, s.id)));
  if (!d.units.length) { sec.append(h('p.muted', t('snap.nodiff'))); return sec; }
  const rec = (r) => (r ? Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ') : '—');
  sec.append(diffTable(d.units));
  if (d.inputs.length) sec.append(h('h3', t('snap.inputs')), h('table.compact.inputs', h('thead', h('tr', h('th', t('unit')),
    h('th', t('snap.record')), h('th', t('snap.before')), h('th', t('snap.after')), h('th', t('by')))),
  h('tbody', d.inputs.map(i => h('tr', { 'data-unit': i.unit },
    h('td', i.unit), h('td', `${i.kind} ${Object.values(i.key || {}).join(' ')}`), h('td', rec(i.from)), h('td', rec(i.to)),
    h('td', `${i.by || ''} ${(i.at || '').replace('T', ' ').replace('Z', '')}`))))));
  return sec;
}
