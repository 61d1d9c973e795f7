// dashboard.js — 考核总览 for the office, leaders and reviewers: league tables
// per category (GET /scores/{period}), tier distribution, the firsts wall
// (GET /scores/{period}/firsts), time-progress lights of one category (each
// unit's report card), rank movement against the previous period, and the
// monthly trend of the leaders. ?big=1 is the 大屏 (1920×1080) mode.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h, fmt, select, field, scorePeriods, defaultScorePeriod, periodName, previousPeriod, light, movementBadge } from '../ui.js';
import { chart, disposeAll } from '../charts.js';

export async function render(view, ctx) {
  disposeAll();
  const big = ctx.params.get('big') === '1';
  document.body.classList.toggle('big', big);
  const period = ctx.params.get('period') || await defaultScorePeriod(p => get(`/scores/${p}`));
  const [scores, firsts, plist] = await Promise.all([
    get(`/scores/${period}`), get(`/scores/${period}/firsts`), scorePeriods()]);
  const cats = scores.categories;
  const catId = ctx.params.get('category') || cats[0].category;
  const cat = cats.find(c => c.category === catId) || cats[0];
  const prevP = previousPeriod(period);
  let prev = null;
  try { prev = await get(`/scores/${prevP}`); } catch (e) { prev = null; }
  const prevRank = new Map();
  if (prev) for (const c of prev.categories) for (const r of c.rows) prevRank.set(r.unit, r.rank);
  const change = (r) => (r.rank !== null && prevRank.get(r.unit) != null) ? prevRank.get(r.unit) - r.rank : null;

  const nav = (p) => { const q = new URLSearchParams({ period, category: cat.category, ...p }); if (big) q.set('big', '1'); ctx.go('/dashboard?' + q); };
  const perSel = select(plist.map(p => [p, periodName(p)]), period, { onchange: (e) => nav({ period: e.target.value }) });
  const catSel = select(cats.map(c => [c.category, c.name]), cat.category, { onchange: (e) => nav({ category: e.target.value }) });
  const bigBtn = h('a.button', { href: `/dashboard?${new URLSearchParams({ period, category: cat.category, ...(big ? {} : { big: '1' }) })}`, 'data-link': '' }, big ? t('dash.exitbig') : t('dash.big'));

  const nUnits = cats.reduce((n, c) => n + c.rows.length, 0);
  view.append(h('div.pagehead',
    h('h1', `${scores.name} · ${periodName(period)}`),
    h('div.controls', field(t('period'), perSel), field(t('category'), catSel), bigBtn)));

  view.append(h('div.kpis',
    h('div.kpi', h('b', String(nUnits)), h('span', t('dash.units'))),
    cats.map(c => c.rows[0] ? h('div.kpi', h('b', c.rows[0].name), h('span', `${c.name}${t('dash.first')} · ${fmt(c.rows[0].display)}`)) : null)));

  // League tables per category.
  const leagues = h('section.panel.leagues', h('h2', t('dash.leagues')), h('div.grid4', cats.map(c =>
    h('div.minileague', h('h3', h('a', { href: `/league?${new URLSearchParams({ period, category: c.category })}`, 'data-link': '' }, c.name)),
      h('table.compact', { 'data-category': c.category },
        h('thead', h('tr', h('th', t('rank')), h('th', t('unit')), h('th', t('total')), h('th', t('tier')), h('th', t('movement')))),
        h('tbody', c.rows.map(r => h('tr', { 'data-unit': r.unit },
          h('td.num', r.rank ?? '—'),
          h('td', h('a', { href: `/card?${new URLSearchParams({ unit: r.unit, period })}`, 'data-link': '' }, r.name)),
          h('td.num', fmt(r.display)), h('td', h('span.tier.t-' + (r.tier || 'none'), r.tier_name || '—')),
          h('td.num', movementBadge(change(r)))))))))));

  const tierBox = h('div.chart', { id: 'chart-tiers' });
  const moveBox = h('div.chart', { id: 'chart-move' });
  const trendBox = h('div.chart', { id: 'chart-trend' });
  const progBox = h('div.progress', h('p', t('loading')));

  // Firsts wall: units with the most first places.
  const byUnit = new Map();
  for (const f of firsts.firsts) {
    if (!byUnit.has(f.unit)) byUnit.set(f.unit, { name: f.unit_name, items: [] });
    byUnit.get(f.unit).items.push(f);
  }
  const catName = new Map(cats.map(c => [c.category, c.name]));
  const wall = [...byUnit.entries()].sort((a, b) => b[1].items.length - a[1].items.length).slice(0, 12);
  const firstsSec = h('section.panel.firsts', h('h2', t('dash.firsts')), h('div.wall', wall.map(([u, x]) =>
    h('div.tile', { 'data-unit': u }, h('div.tilehead', h('b', x.name), h('span.count', t('dash.firsts.count', x.items.length))),
      h('ul', x.items.slice(0, 6).map(f => h('li', f.name, h('small', ` · ${f.scope_kind === 'tag' ? f.scope : (catName.get(f.scope) || f.scope)}第一${f.tied > 1 ? '（并列）' : ''}`))),
        x.items.length > 6 ? h('li.more', `…共 ${x.items.length} 项`) : null)))));

  view.append(h('div.dashgrid',
    leagues,
    h('section.panel', h('h2', t('dash.tiers')), tierBox),
    firstsSec,
    h('section.panel', h('h2', `${t('dash.progress')} · ${cat.name}`), progBox),
    h('section.panel', h('h2', prev ? t('dash.movement', periodName(prevP)) + ` · ${cat.name}` : t('dash.nomove')), moveBox),
    h('section.panel', h('h2', `${t('dash.trend')} · ${cat.name}`), trendBox)));

  // Tier distribution: one stacked bar per category.
  // Tiers in the scheme's order, best first (GET /schemes/{id}); the last in dark grey.
  let tierNames = (await get(`/schemes/${encodeURIComponent(scores.scheme)}`)).tiers.map(x => x.name);
  tierNames = tierNames.filter(n => cats.some(c => c.rows.some(r => r.tier_name === n)));
  const palette = ['#c62828', '#1565c0', '#f9a825', '#6d4c41', '#6a1b9a'].slice(0, Math.max(0, tierNames.length - 1)).concat(['#424242']);
  chart(tierBox, {
    color: palette, tooltip: { trigger: 'axis' }, legend: { top: 0 },
    grid: { left: 40, right: 10, top: 30, bottom: 30 },
    xAxis: { type: 'category', data: cats.map(c => c.name) }, yAxis: { type: 'value', minInterval: 1 },
    series: tierNames.map(n => ({ name: n, type: 'bar', stack: 'tiers', label: { show: true, formatter: (p) => p.value || '' },
      data: cats.map(c => c.rows.filter(r => r.tier_name === n).length) })),
  }, big);

  // Rank movement of the chosen category.
  if (prev) {
    const rows = cat.rows.filter(r => change(r) !== null);
    chart(moveBox, {
      tooltip: {}, grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: 'value', minInterval: 1 }, yAxis: { type: 'category', data: rows.map(r => r.name), inverse: true },
      series: [{ type: 'bar', data: rows.map(r => ({ value: change(r), itemStyle: { color: change(r) > 0 ? '#c62828' : change(r) < 0 ? '#2e7d32' : '#999' } })),
        label: { show: true, position: 'right', formatter: (p) => p.value > 0 ? '↑' + p.value : p.value < 0 ? '↓' + (-p.value) : '—' } }],
    }, big);
  }

  // Trend: monthly totals of the five leaders over the period's year.
  const year = period.slice(0, 4);
  const top = cat.rows.slice(0, 5);
  Promise.all(top.map(r => get(`/scores/${year}-12/units/${r.unit}/trend`, { since: `${year}-01` }).catch(() => null))).then(ts => {
    const months = [...new Set(ts.filter(Boolean).flatMap(x => x.periods.map(p => p.period)))].sort();
    chart(trendBox, {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: 'category', data: months.map(m => Number(m.slice(5)) + '月') }, yAxis: { type: 'value', scale: true },
      series: top.map((r, i) => ({ name: r.name, type: 'line', smooth: true,
        data: months.map(m => { const p = ts[i] && ts[i].periods.find(x => x.period === m); return p && p.display !== undefined ? p.display : null; }) })),
    }, big);
  });

  // Time-progress lights: every unit of the category, indicators that have one.
  Promise.all(cat.rows.map(r => get(`/scores/${period}/units/${r.unit}`).catch(() => null))).then(cards => {
    const nodes = [];
    for (const c of cards) if (c) for (const n of c.nodes) if (n.progress && n.progress !== 'none' && !nodes.find(x => x.id === n.id)) nodes.push(n);
    if (!nodes.length) { progBox.replaceChildren(h('p.muted', t('none'))); return; }
    progBox.replaceChildren(h('table.compact.lights',
      h('thead', h('tr', h('th', t('unit')), nodes.map(n => h('th', n.name)))),
      h('tbody', cards.filter(Boolean).map(c => h('tr', { 'data-unit': c.unit }, h('td', c.name),
        nodes.map(n => { const x = c.nodes.find(y => y.id === n.id); return h('td', x ? light(x.progress) : '—'); }))))));
  });
}
