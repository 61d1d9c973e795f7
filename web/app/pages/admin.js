// admin.js — 系统管理 for the office (and, read only, the audit log for
// leaders): units and categories (GET /units, GET /schemes/{id}), accounts
// (GET/POST/PATCH /accounts), schemes (upload YAML with validation errors
// shown at their line: POST /schemes?dry_run=1, activate), periods (open,
// lock, unlock with a reason), publishing snapshots (POST /snapshots) and the
// audit log (GET /audit, paged by id).
import { api, get, post, patch, qs, defaultScheme } from '../api.js';
import { t } from '../i18n.js';
import { h, field, select, modal, periodName, toast, showError, errText } from '../ui.js';

const TABS = [['units', ['admin', 'leader']], ['accounts', ['admin']], ['schemes', ['admin']],
  ['periods', ['admin']], ['imports', ['admin']], ['publish', ['admin']], ['audit', ['admin', 'leader']]];

// The roles an account can have (docs/api.md "Roles"), as select options.
const roleOptions = () => ['admin', 'dept', 'reporter', 'reviewer', 'evaluator', 'leader'].map(r => [r, t('role.' + r)]);

export async function render(view, ctx) {
  const role = ctx.session.account.role;
  const tabs = TABS.filter(x => x[1].includes(role)).map(x => x[0]);
  const tab = tabs.includes(ctx.params.get('tab')) ? ctx.params.get('tab') : tabs[0];
  view.append(h('div.pagehead', h('h1', t('admin.title'))),
    h('nav.tabs', { 'aria-label': t('admin.title') }, tabs.map(x => h('a', { href: `/admin?tab=${x}`, 'data-link': '', 'aria-current': x === tab ? 'page' : null }, t('admin.' + x)))));
  const box = h('section.panel');
  view.append(box);
  await ({ units, accounts, schemes, periods: periodsTab, imports, publish, audit })[tab](box, ctx);
}

async function units(box) {
  const [list, scheme] = await Promise.all([get('/units', { limit: 1000 }), defaultScheme()]);
  const cats = new Map(scheme.categories.map(c => [c.id, c.name]));
  const groups = new Map();
  for (const u of list) { if (!groups.has(u.category)) groups.set(u.category, []); groups.get(u.category).push(u); }
  box.append(h('p', `${scheme.name}：`, scheme.categories.map(c => `${c.name}（${c.id}）`).join('、')));
  for (const [c, us] of groups) box.append(h('h3', `${cats.get(c) || c}（${c}）· ${us.length}`),
    h('p.unitlist', us.map(u => h('span.chip', { title: (u.tags || []).join('、') }, `${u.name} ${u.id}`))));
}

async function accounts(box, ctx) {
  const list = await get('/accounts');
  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const display = h('input', { name: 'display' });
  const role = select(roleOptions(), 'reporter', { name: 'role' });
  const unit = h('input', { name: 'unit', placeholder: 'T01' });
  const inds = h('input', { name: 'indicators', placeholder: 'gdp_growth,retail_growth' });
  const pw = h('input', { name: 'password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  box.append(h('table.compact#accounts', h('thead', h('tr', h('th', t('signin.name')), h('th', t('admin.display')), h('th', t('admin.role')),
    h('th', t('unit')), h('th', t('indicator')), h('th', t('state')), h('th', ''))),
  h('tbody', list.map(a => h('tr', { 'data-name': a.name }, h('td', a.name), h('td', a.display || ''), h('td', t('role.' + a.role)),
    h('td', a.unit || ''), h('td', (a.indicators || []).join(', ')), h('td', a.disabled ? t('admin.disabled') : t('admin.active')),
    h('td.actions-cell', h('button.edit', { type: 'button', onclick: () => editAccount(a, ctx) }, t('admin.edit')),
      a.name === ctx.session.account.name ? '' : h('button', { type: 'button', onclick: async () => {
        try { await patch(`/accounts/${encodeURIComponent(a.name)}`, { disabled: !a.disabled }); ctx.go('/admin?tab=accounts', true); } catch (e) { showError(e); }
      } }, a.disabled ? t('admin.enable') : t('admin.disable'))))))));
  box.append(h('form.grid-form', { onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), role: role.value, password: pw.value };
    if (display.value.trim()) body.display = display.value.trim();
    if (unit.value.trim()) body.unit = unit.value.trim();
    if (inds.value.trim()) body.indicators = inds.value.split(/[,，\s]+/).filter(Boolean);
    try { await post('/accounts', body); toast(t('admin.created', body.name)); ctx.go('/admin?tab=accounts', true); } catch (e) { showError(e); }
  } }, h('h3', t('admin.create')), field(t('signin.name'), name), field(t('admin.display'), display), field(t('admin.role'), role),
  field(t('unit'), unit), field(t('admin.indicators'), inds), field(t('signin.password'), pw),
  h('button.primary', { type: 'submit' }, t('admin.create'))));
}

// The edit dialog of one account: display name, role, scope (a reporter's
// unit, a department's indicators) and, if typed, a new password
// (PATCH /accounts/{name}; only what changed is sent).
function editAccount(a, ctx) {
  const display = h('input', { name: 'display', value: a.display || '' });
  const role = select(roleOptions(), a.role, { name: 'role' });
  const unit = h('input', { name: 'unit', value: a.unit || '' });
  const inds = h('input', { name: 'indicators', value: (a.indicators || []).join(',') });
  const pw = h('input', { name: 'password', type: 'password', minlength: 8, autocomplete: 'new-password' });
  let dlg;
  const form = h('form.edit-account', { onsubmit: async (ev) => {
    ev.preventDefault();
    const body = {};
    if (display.value.trim() !== (a.display || '')) body.display = display.value.trim();
    if (role.value !== a.role) body.role = role.value;
    if (unit.value.trim() !== (a.unit || '')) body.unit = unit.value.trim();
    const list = inds.value.split(/[,，\s]+/).filter(Boolean);
    if (list.join(',') !== (a.indicators || []).join(',')) body.indicators = list;
    if (pw.value) body.password = pw.value;
    if (!Object.keys(body).length) { dlg.close(); return; }
    try {
      await patch(`/accounts/${encodeURIComponent(a.name)}`, body);
      toast(t('admin.saved', a.name));
      dlg.close();
      ctx.go('/admin?tab=accounts', true);
    } catch (e) { showError(e); }
  } }, field(t('admin.display'), display), field(t('admin.role'), role), field(t('unit'), unit),
  field(t('admin.indicators'), inds), field(t('admin.newpw'), pw),
  h('div.actions', h('button.primary', { type: 'submit' }, t('admin.save'))));
  dlg = modal(t('admin.editof', a.name), form);
  display.focus();
}

async function schemes(box, ctx) {
  const list = await get('/schemes');
  box.append(h('table.compact#schemes', h('thead', h('tr', h('th', 'ID'), h('th', '名称'), h('th', t('admin.versions')), h('th', t('admin.activev')), h('th', ''))),
    h('tbody', list.map(s => h('tr', h('td', s.id), h('td', s.name), h('td.num', s.versions), h('td', s.active ?? '—'),
      h('td', h('button', { type: 'button', onclick: async () => {
        try { await post(`/schemes/${s.id}/activate`, { version: s.versions }); toast(`${s.id} v${s.versions}`); ctx.go('/admin?tab=schemes', true); } catch (e) { showError(e); }
      } }, t('admin.activate') + ` v${s.versions}`)))))));
  const text = h('textarea.code', { rows: 14, name: 'yaml', spellcheck: 'false' });
  const fname = h('input', { name: 'filename', value: 'scheme.yaml' });
  const file = h('input', { type: 'file', accept: '.yaml,.yml,text/yaml', onchange: async () => {
    const f = file.files[0]; if (!f) return; text.value = await f.text(); fname.value = f.name;
  } });
  const out = h('div.result', { 'aria-live': 'polite' });
  const send = async (dry) => {
    out.replaceChildren();
    try {
      const d = await api('POST', `/schemes?${new URLSearchParams({ name: fname.value || 'scheme.yaml', ...(dry ? { dry_run: '1' } : {}) })}`,
        text.value, { raw: true, type: 'application/yaml' });
      out.append(h('p.ok', dry ? t('admin.valid', d.name, d.nodes) : t('admin.stored', d.version)),
        d.warnings && d.warnings.length ? h('ul', d.warnings.map(w => h('li', w))) : null);
    } catch (e) {
      out.append(h('p.error', errText(e)));
      if (e.line) {
        const lines = text.value.split('\n');
        const from = Math.max(0, e.line - 4), to = Math.min(lines.length, e.line + 3);
        out.append(h('pre.listing', lines.slice(from, to).map((l, i) => h('span' + (from + i + 1 === e.line ? '.errline' : ''),
          `${String(from + i + 1).padStart(4)} | ${l}\n`))));
        const start = lines.slice(0, e.line - 1).join('\n').length + (e.line > 1 ? 1 : 0);
        text.focus(); text.setSelectionRange(start, start + (lines[e.line - 1] || '').length);
      }
    }
  };
  box.append(h('form.upload', { onsubmit: (ev) => { ev.preventDefault(); send(true); } }, h('h3', t('admin.upload')),
    field(t('admin.file'), file), field('文件名', fname), field('YAML', text),
    h('div.actions', h('button.primary', { type: 'submit' }, t('admin.check')), h('button', { type: 'button', onclick: () => send(false) }, t('admin.store'))), out));
}

async function periodsTab(box, ctx) {
  const list = await get('/periods');
  const reason = h('input', { name: 'reason' });
  const act = async (code, what) => {
    if (what === 'unlock' && !reason.value.trim()) { toast(t('review.needsnote'), 'warn'); reason.focus(); return; }
    try { await post(`/periods/${code}/${what}`, reason.value.trim() ? { reason: reason.value.trim() } : {}); ctx.go('/admin?tab=periods', true); } catch (e) { showError(e); }
  };
  const code = h('input', { name: 'code', placeholder: '2025-02', required: true });
  box.append(h('form.inline', { onsubmit: async (ev) => {
    ev.preventDefault();
    try { await post('/periods', { code: code.value.trim() }); ctx.go('/admin?tab=periods', true); } catch (e) { showError(e); }
  } }, field(t('admin.open'), code), h('button.primary', { type: 'submit' }, t('admin.open'))));
  box.append(field(t('admin.reason'), reason));
  box.append(h('table.compact#periods', h('thead', h('tr', h('th', t('period')), h('th', t('state')), h('th', t('admin.reason')), h('th', ''))),
    h('tbody', list.slice().reverse().map(p => h('tr', { 'data-code': p.code }, h('td', `${periodName(p.code)} (${p.code})`),
      h('td', p.locked ? '🔒 ' + t('admin.locked') : t('admin.unlocked')), h('td', p.reason || ''),
      h('td', h('button', { type: 'button', onclick: () => act(p.code, p.locked ? 'unlock' : 'lock') }, p.locked ? t('admin.unlock') : t('admin.lock'))))))));
}

// Import a data file (CSV in UTF-8 or GB18030, or XLSX) of one kind, all or
// nothing (POST /imports/{kind}); shows the counts, or the error at its line.
async function imports(box) {
  const kind = select(['values', 'targets', 'events', 'units', 'ballots'].map(k => [k, t('admin.kind.' + k)]), 'values', { name: 'kind' });
  const file = h('input', { type: 'file', name: 'file', required: true, accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const out = h('div#import-result', { 'aria-live': 'polite' });
  box.append(h('p.hint', t('admin.importhint')), h('form.inline#import', { onsubmit: async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) { file.focus(); return; }
    out.replaceChildren();
    try {
      const r = await api('POST', `/imports/${kind.value}` + qs({ name: f.name }), f, { raw: true, type: f.type || 'text/csv' });
      out.append(h('p.ok', { 'data-rows': r.rows }, t('admin.imported', r.file, r.rows, r.inserted, r.updated, r.unchanged, r.encoding)));
    } catch (e) {
      out.append(h('p.error', { role: 'alert' }, errText(e)));
    }
  } }, field(t('admin.kind'), kind), field(t('admin.file'), file), h('button.primary', { type: 'submit' }, t('admin.import'))), out);
}

async function publish(box, ctx) {
  const list = await get('/snapshots');
  const period = h('input', { name: 'period', value: '2024', required: true });
  box.append(h('form.inline#publish', { onsubmit: async (ev) => {
    ev.preventDefault();
    try { const s = await post('/snapshots', { period: period.value.trim() }); toast(t('admin.published', s.id)); ctx.go('/admin?tab=publish', true); } catch (e) { showError(e); }
  } }, field(t('period'), period), h('button.primary', { type: 'submit' }, t('admin.publishbtn'))));
  box.append(list.length ? h('table.compact#snapshots', h('thead', h('tr', h('th', '#'), h('th', t('period')), h('th', '方案'), h('th', '发布时间'), h('th', '发布人'))),
    h('tbody', list.map(s => h('tr', { 'data-id': s.id, 'data-period': s.period }, h('td', h('a', { href: `/snapshots?id=${s.id}`, 'data-link': '' }, `#${s.id}`)),
      h('td', periodName(s.period)), h('td', `${s.scheme} v${s.version}`), h('td', s.published_at), h('td', s.published_by)))))
    : h('p.muted', t('snap.empty')));
}

async function audit(box, ctx) {
  const after = Number(ctx.params.get('after') || 0);
  const d = await get('/audit', { after, limit: 100 });
  box.append(h('table.compact.audit', h('thead', h('tr', h('th', 'ID'), h('th', t('at')), h('th', t('by')), h('th', '方式'), h('th', '操作'),
    h('th', '对象'), h('th', '原值'), h('th', '新值'))),
  h('tbody', d.entries.map(e => h('tr', h('td', e.id), h('td', e.at), h('td', e.user || ''), h('td', e.via), h('td', e.action),
    h('td', `${e.entity} ${e.key || ''}`), h('td.json', e.old === null ? '' : JSON.stringify(e.old)), h('td.json', e.new === null ? '' : JSON.stringify(e.new)))))));
  if (d.next !== null) box.append(h('p', h('a.button', { href: `/admin?tab=audit&after=${d.next}`, 'data-link': '' }, t('admin.more'))));
}
