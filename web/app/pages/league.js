// league.js — 排行榜: the live league table of one category
// (GET /scores/{period}?category=) with grouped headers, heat map, sorting,
// a peer-group filter (units' tags, GET /units), export of the official
// XLSX workbook (GET /scores/{period}/export) or of the rows shown as CSV
// made in the browser, and every score opening its explanation.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h, select, field, scorePeriods, defaultScorePeriod, periodName, previousPeriod, download } from '../ui.js';
import { leagueTable, leagueCsv } from '../table.js';
import { openExplain } from '../explain.js';

export async function render(view, ctx) {
  const period = ctx.params.get('period') || await defaultScorePeriod(p => get(`/scores/${p}`));
  const [scores, plist, units] = await Promise.all([get(`/scores/${period}`), scorePeriods(), get('/units', { limit: 1000 })]);
  const cats = scores.categories;
  const cat = cats.find(c => c.category === ctx.params.get('category')) || cats[0];
  const tag = ctx.params.get('tag') || '';
  const unitTags = new Map(units.map(u => [u.id, u.tags || []]));
  const tags = [...new Set(cat.rows.flatMap(r => unitTags.get(r.unit) || []))];
  const filter = tag ? (r) => (unitTags.get(r.unit) || []).includes(tag) : null;

  let moves = null;
  try {
    const prev = await get(`/scores/${previousPeriod(period)}`, { category: cat.category });
    const pr = new Map(prev.categories[0].rows.map(r => [r.unit, r.rank]));
    moves = new Map(cat.rows.map(r => [r.unit, r.rank !== null && pr.get(r.unit) != null ? pr.get(r.unit) - r.rank : null]));
  } catch (e) { moves = null; }

  const nav = (p) => ctx.go('/league?' + new URLSearchParams({ period, category: cat.category, tag, ...p }));
  view.append(h('div.pagehead', h('h1', `${t('league.title')} · ${scores.name} · ${periodName(period)}`),
    h('div.controls',
      field(t('period'), select(plist.map(p => [p, periodName(p)]), period, { onchange: e => nav({ period: e.target.value }) })),
      field(t('category'), select(cats.map(c => [c.category, c.name]), cat.category, { onchange: e => nav({ category: e.target.value, tag: '' }) })),
      field(t('tag'), select([['', t('all')], ...tags.map(x => [x, x])], tag, { onchange: e => nav({ tag: e.target.value }) })),
      h('a.button', { href: `/api/v1/scores/${encodeURIComponent(period)}/export?` + new URLSearchParams({ category: cat.category }),
        download: '', title: t('league.xlsx.note') }, t('league.xlsx')),
      h('button', { type: 'button', title: t('league.export.note'),
        onclick: () => download(`${scores.scheme}-${period}-${cat.category}${tag ? '-' + tag : ''}.csv`, leagueCsv(cat, filter)) }, t('league.export')))));
  view.append(h('p.hint', t('league.hint'), ' · ', t('league.xlsx.note')));
  view.append(leagueTable(cat, {
    rowsFilter: filter, moves,
    caption: `${cat.name} · ${periodName(period)}`,
    onScore: (r, c) => openExplain(ctx, { period, unit: r.unit, unitName: r.name, node: c.id, nodeName: c.name }),
  }));
}
