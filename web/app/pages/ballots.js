// ballots.js — 评议打分 for evaluators, made for a phone: one grade per unit
// (好 / 较好 / 一般 / 差) at a named meeting, cast in one request
// (POST /ballots); the evaluator's own ballots below (GET /ballots).
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { h, field, toast, showError } from '../ui.js';

const GRADES = ['好', '较好', '一般', '差'];

export async function render(view, ctx) {
  const [units, mine] = await Promise.all([get('/units', { category: 'town', limit: 1000 }), get('/ballots', { limit: 1000 })]);
  const meeting = h('input', { name: 'meeting', required: true, value: mine[0] ? mine[0].meeting : '2025年一季度工作汇报会' });
  const group = h('input', { name: 'group', value: mine[0] ? (mine[0].group || '') : '代表委员' });
  const prior = new Map(mine.filter(b => b.meeting === meeting.value).map(b => [b.unit, b.grade]));
  const rows = units.map(u => h('fieldset.ballot', { 'data-unit': u.id }, h('legend', u.name),
    h('div.grades', GRADES.map(g => h('label.grade', h('input', { type: 'radio', name: 'g-' + u.id, value: g, checked: prior.get(u.id) === g }), g)))));
  const form = h('form.ballots', { onsubmit: async (ev) => {
    ev.preventDefault();
    const ballots = units.map(u => {
      const c = form.querySelector(`input[name="g-${u.id}"]:checked`);
      return c ? { unit: u.id, grade: c.value } : null;
    }).filter(Boolean);
    if (!ballots.length) { toast(t('ballots.pick'), 'warn'); return; }
    try {
      const d = await post('/ballots', { meeting: meeting.value.trim(), ...(group.value.trim() ? { group: group.value.trim() } : {}), ballots });
      toast(t('ballots.done', d.cast));
      ctx.go('/ballots', true);
    } catch (e) { showError(e); }
  } }, h('div.controls', field(t('ballots.meeting'), meeting), field(t('ballots.group'), group)), rows,
  h('div.actions.sticky', h('button.primary', { type: 'submit' }, t('ballots.cast'))));
  view.append(h('div.pagehead', h('h1', t('ballots.title'))), form);
  if (mine.length) view.append(h('section.panel', h('h2', t('ballots.mine')), h('table.compact#my-ballots',
    h('tbody', mine.map(b => h('tr', h('td', b.meeting), h('td', b.unit), h('td', b.grade ?? b.score)))))));
}
