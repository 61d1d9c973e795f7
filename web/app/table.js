// table.js — the league table (排行榜) of one category, as the API gives it
// (GET /scores/{period} and GET /snapshots/{id}: columns + rows): every node's
// score under the indicator tree's grouped headers, heat-map colouring by the
// share of the full score, sorting by any column, and CSV text for export;
// and the units of a diff between two snapshots (what changed, and why).
import { t } from './i18n.js';
import { h, fmt, heat, movementBadge } from './ui.js';

// The tree of the columns: children by parent id, subtree sizes, max depth.
function tree(columns) {
  const kids = new Map();
  for (const c of columns) {
    if (!kids.has(c.parent)) kids.set(c.parent, []);
    kids.get(c.parent).push(c);
  }
  const size = new Map();
  const count = (c) => {
    let n = 1;
    for (const k of kids.get(c.id) || []) n += count(k);
    size.set(c.id, n);
    return n;
  };
  for (const c of kids.get('total') || []) count(c);
  const depth = Math.max(1, ...columns.map(c => c.depth));
  return { kids, size, depth };
}

// leagueTable(cat, {onScore(row, col), rowsFilter(row), moves: Map unit→change, caption})
export function leagueTable(cat, opts = {}) {
  const { kids, size, depth } = tree(cat.columns);
  const sort = { key: null, dir: 1 };
  const wrap = h('div.tablewrap');
  const fixed = [['rank', t('rank')], ['unit', t('unit')], ['total', t('total')], ['tier', t('tier')]];
  if (opts.moves) fixed.push(['move', t('movement')]);

  const sortBtn = (key, label) => h('button.th', { type: 'button', 'data-sort': key,
    onclick: () => { sort.dir = sort.key === key ? -sort.dir : (key === 'rank' || key === 'unit' ? 1 : -1); sort.key = key; draw(); } }, label);

  function head() {
    const rows = [];
    for (let d = 1; d <= depth; d++) rows.push(h('tr'));
    for (const [k, label] of fixed)
      rows[0].append(h('th.fixed', { rowspan: depth, scope: 'col', 'aria-sort': ariaSort(k) }, sortBtn(k, label)));
    const place = (c) => {
      const ch = kids.get(c.id) || [];
      const lbl = h('span', c.name, h('small', ` ${fmt(c.points)}`));
      if (!ch.length) {
        rows[c.depth - 1].append(h('th', { rowspan: depth - c.depth + 1, scope: 'col', 'aria-sort': ariaSort(c.id) }, sortBtn(c.id, lbl)));
        return;
      }
      rows[c.depth - 1].append(h('th.group', { colspan: size.get(c.id), scope: 'colgroup' }, lbl));
      rows[c.depth].append(h('th.sub', { rowspan: depth - c.depth, scope: 'col', 'aria-sort': ariaSort(c.id) }, sortBtn(c.id, t('score'))));
      for (const k of ch) place(k);
    };
    for (const c of kids.get('total') || []) place(c);
    return h('thead', rows);
  }
  function ariaSort(k) { return sort.key === k ? (sort.dir > 0 ? 'ascending' : 'descending') : null; }

  function sorted() {
    let rows = cat.rows.slice();
    if (opts.rowsFilter) rows = rows.filter(opts.rowsFilter);
    if (!sort.key) return rows;
    const val = (r) => sort.key === 'rank' ? r.rank : sort.key === 'unit' ? r.unit : sort.key === 'total' ? r.total
      : sort.key === 'tier' ? r.tier_name : sort.key === 'move' ? (opts.moves && opts.moves.get(r.unit)) : r.scores[sort.key];
    return rows.sort((a, b) => {
      const x = val(a), y = val(b);
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
    });
  }

  function body() {
    const order = [];
    const walk = (c) => { order.push(c); for (const k of kids.get(c.id) || []) walk(k); };
    for (const c of kids.get('total') || []) walk(c);
    return h('tbody', sorted().map(r => h('tr', { 'data-unit': r.unit },
      h('td.num', r.rank === null ? '—' : `${r.rank}`),
      h('th.uname', { scope: 'row' }, r.name, h('small', ' ' + r.unit)),
      h('td.num.total', opts.onScore ? h('button.cell', { type: 'button', 'data-node': 'total', onclick: () => opts.onScore(r, { id: 'total', name: t('total') }) }, fmt(r.display)) : fmt(r.display)),
      h('td', h('span.tier.t-' + (r.tier || 'none'), r.tier_name || '—'), r.vetoes && r.vetoes.length ? h('span.veto', { title: r.vetoes.join('、') }, '否') : null),
      opts.moves ? h('td.num', movementBadge(opts.moves.get(r.unit))) : null,
      order.map(c => {
        const v = r.scores[c.id];
        const cell = opts.onScore && v !== null && v !== undefined
          ? h('button.cell', { type: 'button', 'data-node': c.id, title: `${r.name} · ${c.name}`, onclick: () => opts.onScore(r, c) }, fmt(v))
          : fmt(v);
        return h('td.num' + ((kids.get(c.id) || []).length ? '.subtotal' : ''), { style: { background: heat(v / c.points) } }, cell);
      }))));
  }

  function draw() {
    wrap.replaceChildren(h('table.league', opts.caption ? h('caption', opts.caption) : null, head(), body()));
  }
  draw();
  wrap.redraw = draw;
  return wrap;
}

// CSV of a category table (the columns named by their path in the tree).
export function leagueCsv(cat, rowsFilter) {
  const byId = new Map(cat.columns.map(c => [c.id, c]));
  const path = (c) => { const p = []; for (let x = c; x; x = byId.get(x.parent)) p.unshift(x.name); return p.join('/'); };
  const q = (s) => { s = s === null || s === undefined ? '' : String(s); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  const lines = [[t('rank'), t('unit') + '代码', t('unit'), t('total'), t('tier'), ...cat.columns.map(c => `${path(c)}(${fmt(c.points)})`)].map(q).join(',')];
  for (const r of cat.rows.filter(rowsFilter || (() => true)))
    lines.push([r.rank, r.unit, r.name, r.display, r.tier_name, ...cat.columns.map(c => r.scores[c.id])].map(q).join(','));
  return lines.join('\r\n') + '\r\n';
}

// A pair [before, after] as text ("97.2 → 98.02"), or '' when both are the same.
const pair = (p, f = (x) => x ?? '—') => (p && String(p[0]) !== String(p[1]) ? `${f(p[0])} → ${f(p[1])}` : '');

// The units of a diff (GET /snapshots/{a}/diff/{b}, an accepted appeal's
// diff): total, rank, tier and scores before → after, and why each moved.
export function diffTable(units) {
  return h('table.compact.diff', h('thead', h('tr', h('th', t('unit')), h('th', t('total')), h('th', t('rank')), h('th', t('tier')),
    h('th', t('indicator')), h('th', t('snap.cause')))),
  h('tbody', units.map(u => h('tr', { 'data-unit': u.unit, 'data-cause': u.cause },
    h('td', u.name || u.unit, h('small', ' ' + u.unit)), h('td.num', pair(u.total, fmt)), h('td.num', pair(u.rank)), h('td', pair(u.tier)),
    h('td', (u.nodes || []).map(n => `${n.name} ${fmt(n.from)}→${fmt(n.to)}`).join('；')),
    h('td', u.cause ? t('snap.cause.' + u.cause) : '')))));
}
