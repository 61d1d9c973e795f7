// card.js — 成绩单: one unit's report card (GET /scores/{period}/units/{unit}):
// total, rank, tier and movement; every node against its full score, the
// group mean and the best; a radar of the top-level dimensions; weak points;
// targets against actuals with time-progress lights; honours and deductions;
// the trend (…/trend). Every score opens its explanation (and, for the unit's
// reporter, the appeal form). @media print in app.css makes the print view.
import { get } from '../api.js';
import { t } from '../i18n.js';
import { h, fmt, select, field, scorePeriods, defaultScorePeriod, periodName, light, movementBadge, heat } from '../ui.js';
import { chart, disposeAll } from '../charts.js';
import { openExplain } from '../explain.js';

export async function render(view, ctx) {
  disposeAll();
  const acc = ctx.session.account;
  const own = acc.role === 'reporter';
  const units = (await get('/units', { limit: 1000 })).filter(u => ['town', 'dept', 'parkA', 'parkB'].includes(u.category) || u.id === acc.unit);
  const unit = own ? acc.unit : (ctx.params.get('unit') || units[0].id);
  const base = `/scores/{p}/units/${encodeURIComponent(unit)}`;
  const period = ctx.params.get('period') || await defaultScorePeriod(p => get(base.replace('{p}', p)));
  const [c, plist] = await Promise.all([get(base.replace('{p}', period)), scorePeriods()]);

  const nav = (p) => ctx.go('/card?' + new URLSearchParams({ unit, period, ...p }));
  const explain = (n) => openExplain(ctx, { period, unit, unitName: c.name, node: n.id, nodeName: n.name });
  const mv = c.movement;
  view.append(h('div.pagehead.noprint', h('h1', t('card.title')),
    h('div.controls',
      own ? null : field(t('unit'), select(units.map(u => [u.id, `${u.name} (${u.id})`]), unit, { onchange: e => nav({ unit: e.target.value }) })),
      field(t('period'), select(plist.map(p => [p, periodName(p)]), period, { onchange: e => nav({ period: e.target.value }) })),
      h('button', { type: 'button', onclick: () => window.print() }, t('card.print')))));

  view.append(h('section.cardhead.panel',
    h('div', h('h2.unitname', c.name, h('small', ` ${c.unit} · ${c.category_name}`)), h('p.muted', `${periodName(period)} · ${c.scheme} v${c.version}`)),
    h('div.stat', h('span', t('total')), h('b#card-total', fmt(c.display))),
    h('div.stat', h('span', t('rank')), h('b#card-rank', c.rank === null ? '—' : `${c.rank}/${c.rank_of}`)),
    h('div.stat', h('span', t('tier')), h('b', h('span.tier.t-' + (c.tier || 'none'), c.tier_name || '—'))),
    h('div.stat', h('span', mv ? t('card.vs', periodName(mv.period)) : t('movement')), h('b', mv ? movementBadge(mv.change) : '—'),
      mv ? h('small', `${mv.rank ?? '—'}/${mv.rank_of ?? '—'} · ${fmt(mv.display)}`) : null),
    c.vetoes.length ? h('div.stat.veto', h('span', t('vetoes')), h('b', c.vetoes.join('、'))) : null));

  // Weak points and radar side by side.
  const radarBox = h('div.chart#chart-radar');
  view.append(h('div.two',
    h('section.panel.weak', h('h2', t('card.weak')),
      c.weak.length ? h('ol.weaklist', c.weak.map(w => h('li', { 'data-node': w.node },
        h('button.link', { type: 'button', onclick: () => explain({ id: w.node, name: w.name }) }, w.name),
        h('span.meter', h('span.fill', { style: { width: `${Math.max(0, Math.min(100, 100 * w.score / w.full))}%` } })),
        h('small', `${t('score')} ${fmt(w.score)}/${fmt(w.full)} · ${t('card.loss')} ${fmt(w.loss)} · ${t('mean')} ${fmt(w.group_mean)}${w.gap > 0 ? ` · ${t('card.gap')} ${fmt(w.gap)}` : ''}`)))) : h('p.muted', t('none'))),
    h('section.panel', h('h2', t('card.radar')), radarBox)));

  // Every node against full score, mean, best.
  view.append(h('section.panel', h('h2', t('card.nodes')), h('div.tablewrap', h('table.nodes',
    h('thead', h('tr', h('th', t('indicator')), h('th', t('points')), h('th', t('score')), h('th', t('mean')), h('th', t('best')),
      h('th', t('value')), h('th', t('target')), h('th', t('progress')))),
    h('tbody', c.nodes.map(n => h('tr', { class: 'd' + n.depth, 'data-node': n.id },
      h('th', { scope: 'row' }, h('span', { style: { paddingLeft: `${n.depth * 1.2}em` } }, n.name)),
      h('td.num', fmt(n.points)),
      h('td.num', { style: { background: heat(n.score / n.points) } },
        n.score === null ? '—' : h('button.cell', { type: 'button', onclick: () => explain(n) }, fmt(n.score))),
      h('td.num', fmt(n.mean)), h('td.num', fmt(n.best)),
      h('td.num', 'value' in n ? fmt(n.value, 4) : ''), h('td.num', 'target' in n ? fmt(n.target, 4) : ''),
      h('td', light(n.progress)))))))));

  // Targets against actuals.
  const withTarget = c.nodes.filter(n => n.target !== undefined && n.target !== null);
  view.append(h('section.panel', h('h2', t('card.targets')), withTarget.length ? h('div.targets', withTarget.map(n => {
    const pct = n.value !== null && n.target ? Math.round(100 * n.value / n.target) : null;
    return h('div.target', { 'data-node': n.id }, h('b', n.name),
      h('span.meter', h('span.fill.' + (n.progress || 'none'), { style: { width: `${Math.max(0, Math.min(100, pct || 0))}%` } })),
      h('small', `${t('value')} ${fmt(n.value, 4)} / ${t('target')} ${fmt(n.target, 4)}${pct !== null ? ` (${pct}%)` : ''} `), light(n.progress));
  })) : h('p.muted', t('none'))));

  // Honours and deductions.
  view.append(h('section.panel', h('h2', t('card.events')), c.events.length ? h('table.compact',
    h('thead', h('tr', h('th', '事项'), h('th', t('period')), h('th', '级别'), h('th', '数量'), h('th', '内容'), h('th', t('note')))),
    h('tbody', c.events.map(e => h('tr', h('td', e.item), h('td', e.period), h('td', e.level || '—'), h('td.num', e.count ?? '—'),
      h('td', e.matter || ''), h('td', e.note || ''))))) : h('p.muted', t('card.noevents'))));

  const trendBox = h('div.chart#chart-trend');
  view.append(h('section.panel.noprint', h('h2', t('card.trend')), trendBox));

  const top = c.nodes.filter(n => n.depth === 1 && n.points > 0 && n.score !== null);
  if (top.length >= 3) chart(radarBox, {
    tooltip: {}, legend: { bottom: 0 },
    radar: { indicator: top.map(n => ({ name: n.name, max: 110 })), radius: '62%' },
    series: [{ type: 'radar', data: [
      { name: t('card.yours'), value: top.map(n => Math.round(100 * n.score / n.points)) },
      { name: t('mean'), value: top.map(n => Math.round(100 * n.mean / n.points)) }] }],
  });
  else radarBox.replaceChildren(h('table.compact', h('tbody', top.map(n => h('tr', h('td', n.name), h('td.num', `${Math.round(100 * n.score / n.points)}%`))))));

  get(`/scores/${period}/units/${encodeURIComponent(unit)}/trend`).then(tr => {
    const ps = tr.periods.filter(p => p.display !== undefined);
    chart(trendBox, {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 40, right: 40, top: 30, bottom: 30 },
      xAxis: { type: 'category', data: ps.map(p => periodName(p.period)) },
      yAxis: [{ type: 'value', scale: true, name: t('total') }, { type: 'value', inverse: true, minInterval: 1, name: t('rank') }],
      series: [{ name: t('total'), type: 'line', data: ps.map(p => p.display) },
        { name: t('rank'), type: 'line', yAxisIndex: 1, data: ps.map(p => p.rank) }],
    });
  }).catch(() => trendBox.replaceChildren(h('p.muted', t('none'))));
}
