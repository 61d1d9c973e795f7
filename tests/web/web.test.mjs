// web.test.mjs — browser tests of the web app (issue 5): Debian's chromium,
// headless, driven by playwright-core, against `kaohe serve` on a fresh demo
// store. For each role it signs in and does that role's main task end to end,
// comparing what the page shows with the same data read through the API; it
// keeps a screenshot of every page (PNG, in the output folder), fails on any
// console error or page error, and signs in and submits a value with the
// keyboard alone.
//
//   node tests/web/web.test.mjs path/to/kaohe [screenshot-dir]
//
// Exits 77 (skipped) when /usr/bin/chromium or node_modules/playwright-core
// is missing. Prints "N passed, N failed" last.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

const CHROMIUM = process.env.KH_CHROMIUM || '/usr/bin/chromium';
const kaohe = resolve(process.argv[2] || 'build/kaohe');
const shots = resolve(process.argv[3] || 'web-screens');
if (!existsSync(CHROMIUM)) { console.log(`skip: ${CHROMIUM} is missing (apt-get install chromium)`); process.exit(77); }
let chromium;
try { ({ chromium } = await import('playwright-core')); } catch (e) {
  console.log('skip: node_modules/playwright-core is missing (npm ci)'); process.exit(77);
}
if (!existsSync(kaohe)) { console.error(`no kaohe binary at ${kaohe}`); process.exit(2); }
mkdirSync(shots, { recursive: true });

// ---- a fresh demo store and a server on a free port ---------------------------
const dir = mkdtempSync(join(tmpdir(), 'kaohe-web-'));
const db = join(dir, 'demo.db');
execFileSync(kaohe, ['init', '--db', db], { stdio: 'ignore' });
execFileSync(kaohe, ['demo', '--db', db], { stdio: 'ignore' });
const port = await new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const base = `http://127.0.0.1:${port}`;
const server = spawn(kaohe, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });
for (let i = 0; ; i++) {
  try { if ((await fetch(base + '/api/v1/health')).ok) break; } catch (e) { /* not yet */ }
  if (i > 100) { console.error('server did not start\n' + serverLog); process.exit(1); }
  await new Promise(r => setTimeout(r, 100));
}

// ---- the API, as the test sees it -----------------------------------------------
async function apiAs(name, password = 'kaohe-demo') {
  const r = await fetch(base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }) });
  if (!r.ok) throw new Error(`${name} cannot sign in: ${r.status}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { data } = await r.json();
  const call = async (method, path, body) => {
    const res = await fetch(base + '/api/v1' + path, { method, headers: { Cookie: cookie, 'X-CSRF-Token': data.csrf,
      ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const j = await res.json();
    if (!j.ok) throw new Error(`${method} ${path}: ${JSON.stringify(j.error)}`);
    return j.data;
  };
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b || {}), put: (p, b) => call('PUT', p, b) };
}

// ---- the browser --------------------------------------------------------------
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });
// (playwright gives every launch a fresh, empty user-data-dir of its own.)
let problems = [];
let expected = [];   // URLs a step expects to fail (set per step)
async function newPage(viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = (m.location() || {}).url || '';
    // The one expected failure: GET /api/v1/session before anyone signed in (401).
    if (/status of 401/.test(m.text()) && url.endsWith('/api/v1/session')) return;
    // A failure the step itself provokes (a scheme with a mistake, say).
    if (expected.some(re => re.test(url)) && /status of 4\d\d/.test(m.text())) return;
    problems.push(`console error: ${m.text()} ${url}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}
async function signIn(page, name) {
  await page.goto(base + '/signin');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', 'kaohe-demo');
  await page.click('form.signin button[type=submit]');
  await page.waitForSelector('header nav');
}
async function shot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
}
function eq(a, b, what) { if (String(a) !== String(b)) throw new Error(`${what}: page shows ${JSON.stringify(a)}, API says ${JSON.stringify(b)}`); }
const fmt = (v) => String(Number(v.toFixed(2)));

let passed = 0, failed = 0;
async function step(name, fn) {
  problems = []; expected = [];
  const t0 = Date.now();
  try {
    await fn();
    if (problems.length) throw new Error(problems.join('\n'));
    passed++; console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++; console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

const admin = await apiAs('admin');

await step('sign-in page is Chinese first, and the English switch works', async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await page.waitForSelector('form.signin');
  eq(await page.textContent('form.signin h1'), '登录', 'title');
  await shot(page, '01-signin');
  await page.click('header button:has-text("English")');
  await page.waitForSelector('form.signin h1:has-text("Sign in")');
  await shot(page, '01-signin-en');
  await page.click('header button:has-text("中文")');
  await page.context().close();
});

await step('leader: dashboard shows every category\'s league table as the API has it', async () => {
  const api = await apiAs('lingdao');
  const s = await api.get('/scores/2024');
  const page = await newPage();
  await signIn(page, 'lingdao');
  await page.waitForSelector('table.compact[data-category=town]');
  for (const c of s.categories) {
    const rows = await page.$$eval(`table[data-category=${c.category}] tbody tr`, trs => trs.map(tr => ({ unit: tr.dataset.unit, total: tr.children[2].textContent, rank: tr.children[0].textContent })));
    eq(rows.length, c.rows.length, `${c.category} rows`);
    c.rows.forEach((r, i) => { eq(rows[i].unit, r.unit, `${c.category} #${i + 1}`); eq(rows[i].total, fmt(r.display), `${r.unit} total`); eq(rows[i].rank, r.rank ?? '—', `${r.unit} rank`); });
  }
  const f = await api.get('/scores/2024/firsts');
  const t01 = f.firsts.filter(x => x.unit === 'T01').length;
  eq(await page.textContent('.wall .tile[data-unit=T01] .count'), `${t01} 项第一`, 'T01 firsts');
  await page.waitForSelector('#chart-trend canvas');
  await page.waitForSelector('table.lights');
  await shot(page, '02-dashboard-1366');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.click('a:has-text("大屏模式")');
  await page.waitForSelector('body.big #chart-tiers canvas');
  await shot(page, '02-dashboard-bigscreen-1920');
  await page.context().close();
});

await step('leader: league table with grouped headers matches the API; a score opens its explanation', async () => {
  const api = await apiAs('lingdao');
  const s = await api.get('/scores/2024?category=town');
  const cat = s.categories[0];
  const page = await newPage();
  await signIn(page, 'lingdao');
  await page.goto(base + '/league?period=2024&category=town');
  await page.waitForSelector('table.league tbody tr');
  const rows = await page.$$eval('table.league tbody tr', trs => trs.map(tr => [tr.dataset.unit, tr.querySelector('td.total').textContent]));
  eq(rows.map(r => r[0]).join(), cat.rows.map(r => r.unit).join(), 'order');
  rows.forEach((r, i) => eq(r[1], fmt(cat.rows[i].display), `${r[0]} total`));
  eq(await page.locator('thead th.group').count(), cat.columns.filter(c => cat.columns.some(k => k.parent === c.id)).length, 'grouped headers');
  await page.click('tr[data-unit=T01] button[data-node=gdp]');
  await page.waitForSelector('pre.trace');
  const ex = await api.get('/scores/2024/units/T01/explain?node=gdp');
  eq((await page.textContent('pre.trace')).trim(), ex.text.trim(), 'explanation');
  await shot(page, '03-league-explain');
  await page.keyboard.press('Escape');
  await page.click('button.th[data-sort=gdp]');
  const first = await page.$eval('table.league tbody tr', tr => tr.dataset.unit);
  const best = cat.rows.slice().sort((a, b) => b.scores.gdp - a.scores.gdp)[0];
  eq(cat.rows.find(r => r.unit === first).scores.gdp, best.scores.gdp, 'sorted by gdp');
  await page.selectOption('select:near(label:text("分组"))', '中心城区');
  await page.waitForFunction(() => document.querySelectorAll('table.league tbody tr').length === 4);
  await shot(page, '03-league-town');
  await page.context().close();
});

await step('admin: a town\'s report card shows total, rank and weak points as the API has them', async () => {
  const card = await admin.get('/scores/2024/units/T08');
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(base + '/card?unit=T08&period=2024');
  await page.waitForSelector('#card-total');
  eq(await page.textContent('#card-total'), fmt(card.display), 'total');
  eq(await page.textContent('#card-rank'), `${card.rank}/${card.rank_of}`, 'rank');
  const weak = await page.$$eval('.weaklist li', lis => lis.map(li => li.dataset.node));
  eq(weak.join(), card.weak.map(w => w.node).join(), 'weak points');
  await page.waitForSelector('#chart-radar canvas');
  await shot(page, '04-card-T08');
  await page.emulateMedia({ media: 'print' });
  await shot(page, '04-card-T08-print');
  await page.context().close();
});

await step('t01: enters January 2025, saves a draft and submits it', async () => {
  const page = await newPage();
  await signIn(page, 't01');
  await page.goto(base + '/entry?period=2025-01');
  await page.waitForSelector('input.cell[data-indicator=revenue]');
  await page.fill('input.cell[data-indicator=revenue]', '12,34x');
  if (!(await page.$('input.cell[data-indicator=revenue].invalid'))) throw new Error('a non-number is not flagged while typing');
  await shot(page, '05-entry-invalid');
  await page.fill('input.cell[data-indicator=revenue]', '5120');
  await page.fill('input.cell[data-indicator=tasks_due]', '6');
  await page.fill('input.cell[data-indicator=tasks_done]', '7');
  await page.click('button:has-text("保存草稿")');
  await page.waitForSelector('tr[data-indicator=revenue] .st-draft');
  const t01 = await apiAs('t01');
  const drafts = await t01.get('/values?period=2025-01&state=draft');
  eq(drafts.map(v => v.indicator).sort().join(), 'revenue,tasks_done,tasks_due', 'drafts');
  await page.click('#submit-values');
  await page.waitForSelector('tr[data-indicator=tasks_done] .st-submitted');
  const sub = await t01.get('/values?period=2025-01&state=submitted');
  eq(sub.map(v => `${v.indicator}=${v.value}`).sort().join(), 'revenue=5120,tasks_done=7,tasks_due=6', 'submitted');
  await shot(page, '05-entry-submitted');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, '05-entry-phone');
  await page.context().close();
});

await step('tongji: pastes January for every unit from Excel and submits it', async () => {
  const page = await newPage();
  await signIn(page, 'tongji');
  await page.waitForSelector('table.entry input.cell');
  const cols = await page.$$eval('table.entry tbody tr:first-child input.cell', is => is.map(i => i.dataset.indicator));
  eq(cols.join(), 'gdp_growth,ind_growth,fai_growth,retail_growth,income,unemployment', 'columns');
  const units = await page.$$eval('table.entry tbody tr', trs => trs.map(tr => tr.querySelector('input.cell').dataset.unit));
  // The bureau's January sheet: quarterly GDP and income are not out yet;
  // parks have no retail sales or unemployment figures.
  const sheet = units.map((u, i) => {
    const ind = (6 + (i % 5) * 0.7).toFixed(1), fai = (4 + (i % 7) * 1.3).toFixed(1);
    return u.startsWith('P') ? ['', ind, fai, '', '', ''] : ['', ind, fai, (5 + (i % 4) * 0.9).toFixed(1), '', (4.6 + (i % 3) * 0.2).toFixed(1)];
  });
  const first = page.locator('table.entry tbody tr').first().locator('input.cell').first();
  await first.focus();
  await page.evaluate((text) => {
    const dt = new DataTransfer(); dt.setData('text', text);
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, sheet.map(r => r.join('\t')).join('\r\n') + '\r\n');
  const shown = await page.$$eval('table.entry tbody tr', trs => trs.map(tr => [...tr.querySelectorAll('input.cell')].map(i => i.value)));
  eq(JSON.stringify(shown), JSON.stringify(sheet), 'pasted block');
  await shot(page, '06-entry-dept');
  await page.click('#submit-values');
  await page.waitForSelector('tr:first-child .st-submitted');
  const sub = await (await apiAs('tongji')).get('/values?period=2025-01&state=submitted&limit=1000');
  eq(sub.length, sheet.flat().filter(Boolean).length, 'values submitted');
  const t03 = sub.filter(v => v.unit === 'T03').map(v => `${v.indicator}=${v.value}`).sort().join();
  const r = sheet[units.indexOf('T03')];
  eq(t03, [`fai_growth=${+r[2]}`, `ind_growth=${+r[1]}`, `retail_growth=${+r[3]}`, `unemployment=${+r[5]}`].join(), 'T03 as pasted');
  await shot(page, '06-entry-dept-submitted');
  await page.context().close();
});

await step('shenhe: approves one value and returns one with a note', async () => {
  const page = await newPage();
  await signIn(page, 'shenhe');
  await page.goto(base + '/review');
  await page.waitForSelector('table.review');
  await shot(page, '07-review');
  await page.check('tr[data-unit=T01][data-indicator=revenue] input[type=checkbox]');
  await page.click('#approve');
  await page.waitForSelector('tr[data-unit=T01][data-indicator=revenue]', { state: 'detached' });
  await page.check('tr[data-unit=T01][data-indicator=tasks_done] input[type=checkbox]');
  await page.fill('textarea[name=note]', '按期完成节点数（7）多于应完成节点数（6），请核对');
  await page.click('#return');
  await page.waitForSelector('tr[data-unit=T01][data-indicator=tasks_done]', { state: 'detached' });
  const v = (await admin.get('/values?unit=T01&period=2025-01')).filter(x => /^(revenue|tasks_)/.test(x.indicator));
  eq(v.map(x => `${x.indicator}:${x.state}`).join(), 'revenue:approved,tasks_done:returned,tasks_due:submitted', 'states');
  await shot(page, '07-review-after');
  await page.context().close();
});

await step('t01: sees the returned value with the reviewer\'s note, corrects it and submits it again', async () => {
  const page = await newPage();
  await signIn(page, 't01');
  await page.goto(base + '/entry?period=2025-01');
  await page.waitForSelector('tr.returned[data-indicator=tasks_done] .st-returned');
  eq(await page.textContent('tr.returned[data-indicator=tasks_done] q.note'), '按期完成节点数（7）多于应完成节点数（6），请核对', 'note');
  if (!(await page.$('input.cell[data-indicator=revenue][readonly]'))) throw new Error('approved value is editable');
  await shot(page, '08-entry-returned');
  await page.fill('input.cell[data-indicator=tasks_done]', '6');
  await page.click('#submit-values');
  await page.waitForSelector('tr[data-indicator=tasks_done] .st-submitted');
  const v = await (await apiAs('t01')).get('/values?period=2025-01&indicator=tasks_done');
  eq(`${v[0].value}:${v[0].state}`, '6:submitted', 'corrected');
  await page.context().close();
});

await step('keyboard only: t02 signs in and submits its month', async () => {
  const page = await newPage();
  await page.goto(base + '/');
  await page.waitForSelector('input[name=name]:focus');
  await page.keyboard.type('t02');
  await page.keyboard.press('Tab');
  await page.keyboard.type('kaohe-demo');
  await page.keyboard.press('Enter');
  await page.waitForSelector('header nav');
  const tabTo = async (test, max = 80) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(test)) return;
    }
    throw new Error('could not reach the element with Tab');
  };
  await tabTo(() => document.activeElement.matches('header nav a[href="/entry"]'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('input.cell[data-indicator=revenue]');
  for (const [ind, v] of [['revenue', '980'], ['tasks_due', '4'], ['tasks_done', '4']]) {
    await tabTo(new Function(`return document.activeElement.matches('input.cell[data-indicator=${ind}]')`));
    await page.keyboard.type(v);
  }
  await shot(page, '14-keyboard-entry');
  await tabTo(() => document.activeElement.id === 'submit-values');
  await page.keyboard.press('Enter');
  await page.waitForSelector('tr[data-indicator=tasks_done] .st-submitted');
  const v = (await (await apiAs('t02')).get('/values?period=2025-01&state=submitted')).filter(x => x.by === 't02');
  eq(v.map(x => `${x.indicator}=${x.value}`).join(), 'revenue=980,tasks_done=4,tasks_due=4', 'T02 submitted');
  await page.context().close();
});

await step('admin: publishing January before review is refused with what is missing', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  expected = [/\/api\/v1\/snapshots$/];
  await page.goto(base + '/admin?tab=publish');
  await page.fill('#publish input[name=period]', '2025-01');
  await page.click('#publish button[type=submit]');
  await page.waitForSelector('.toast.err');
  const msg = await page.textContent('.toast.err');
  if (!/has no value for indicator '\w+' .* in 2025-01/.test(msg)) throw new Error(`unclear refusal: ${msg}`);
  await shot(page, '09-admin-publish-refused');
  await page.context().close();
});

await step('shenhe: approves everything waiting for January', async () => {
  const page = await newPage();
  await signIn(page, 'shenhe');
  await page.goto(base + '/review');
  await page.waitForSelector('table.review');
  const n = await page.locator('table.review tbody tr').count();
  eq(n, (await admin.get('/values?state=submitted&limit=1000')).length, 'waiting');
  await page.check('table.review thead input[type=checkbox]');
  await page.click('#approve');
  await page.waitForSelector('#review-empty');
  eq((await admin.get('/values?state=submitted')).length, 0, 'left to review');
  await page.context().close();
});

await step('admin: publishes January 2025; the snapshot\'s league table has the month as entered', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(base + '/admin?tab=publish');
  await page.fill('#publish input[name=period]', '2025-01');
  await page.click('#publish button[type=submit]');
  await page.waitForSelector('#snapshots tr[data-period="2025-01"]');
  const list = await admin.get('/snapshots');
  eq(list[0].period, '2025-01', 'newest snapshot');
  eq(await page.$eval('#snapshots tbody tr', tr => tr.dataset.id), list[0].id, 'newest snapshot');
  await shot(page, '09-admin-publish');
  await page.click(`#snapshots a:has-text("#${list[0].id}")`);
  await page.waitForSelector('table.league tr[data-unit=T01]');
  const snap = await admin.get(`/snapshots/${list[0].id}`);
  const t01 = snap.categories.find(c => c.category === 'town').rows.find(r => r.unit === 'T01');
  eq(await page.$eval('table.league tr[data-unit=T01] td.total', td => td.textContent), fmt(t01.display), 'T01 total');
  const ex = await admin.get('/scores/2025-01/units/T01/explain?node=revenue');
  if (!/2025-01 = 5120/.test(ex.text)) throw new Error('January revenue as entered is not what was scored:\n' + ex.text);
  await shot(page, '09-snapshot-table');
  // Importing a file: a bad row is refused at its line and nothing goes in; the fixed file goes in.
  expected = [/\/api\/v1\/imports\/values/];
  await page.goto(base + '/admin?tab=imports');
  const csv = (u) => Buffer.from(`unit,indicator,period,value\r\nD01,satisfaction,2025-03,96.5\r\n${u},satisfaction,2025-03,93\r\n`);
  await page.setInputFiles('#import input[type=file]', { name: '满意率-2025-03.csv', mimeType: 'text/csv', buffer: csv('D99') });
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#import-result p.error');
  if (!/第 3 行/.test(await page.textContent('#import-result p.error'))) throw new Error('import error not at line 3: ' + await page.textContent('#import-result'));
  eq((await admin.get('/values?period=2025-03&indicator=satisfaction')).length, 0, 'values after a refused file');
  await shot(page, '10-admin-import-error');
  await page.setInputFiles('#import input[type=file]', { name: '满意率-2025-03.csv', mimeType: 'text/csv', buffer: csv('D02') });
  await page.click('#import button[type=submit]');
  await page.waitForSelector('#import-result p.ok[data-rows="2"]');
  eq((await admin.get('/values?period=2025-03&indicator=satisfaction')).map(v => `${v.unit}=${v.value}`).join(), 'D01=96.5,D02=93', 'imported');
  await shot(page, '10-admin-import');
  for (const tab of ['units', 'accounts', 'periods', 'audit']) {
    await page.goto(base + '/admin?tab=' + tab);
    await page.waitForSelector('section.panel table, section.panel .unitlist');
    await shot(page, '10-admin-' + tab);
  }
  expected = [/\/api\/v1\/schemes\?.*dry_run=1/];
  await page.goto(base + '/admin?tab=schemes');
  await page.fill('textarea[name=yaml]', 'kaohe: 1\nscheme:\n  id: x\n  name: 测试\ncategories:\n  street: 街道\ninputs:\n  s: {name: 满意率}\nindicators:\n  - id: a\n    name: 满意度\n    points: 十分\n    value: s\n    rule: proportional\n');
  await page.click('form.upload button[type=submit]');
  await page.waitForSelector('pre.listing .errline');
  if (!/^\s*12 \|/.test(await page.textContent('pre.listing .errline'))) throw new Error('error not shown at line 12');
  await shot(page, '10-admin-schemes-error');
  await page.context().close();
});

await step('admin: creates a reporter account, then makes it a reviewer and resets its password', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(base + '/admin?tab=accounts');
  await page.waitForSelector('#accounts');
  await page.fill('form.grid-form input[name=name]', 'zhao');
  await page.fill('form.grid-form input[name=display]', '南郊街道填报员（示例）');
  await page.selectOption('form.grid-form select[name=role]', 'reporter');
  await page.fill('form.grid-form input[name=unit]', 'T03');
  await page.fill('form.grid-form input[name=password]', 'first-password');
  await page.click('form.grid-form button[type=submit]');
  await page.waitForSelector('#accounts tr[data-name=zhao]');
  eq((await (await apiAs('zhao', 'first-password')).get('/session')).account.unit, 'T03', 'new reporter');
  await page.click('#accounts tr[data-name=zhao] button.edit');
  await page.waitForSelector('form.edit-account');
  await page.selectOption('form.edit-account select[name=role]', 'reviewer');
  await page.fill('form.edit-account input[name=unit]', '');
  await page.fill('form.edit-account input[name=password]', 'second-password');
  await shot(page, '10-admin-account-edit');
  await page.click('form.edit-account button[type=submit]');
  await page.waitForSelector('form.edit-account', { state: 'detached' });
  const acc = await admin.get('/accounts/zhao');
  eq(`${acc.role} ${acc.unit || ''}`, 'reviewer ', 'changed account');
  eq((await (await apiAs('zhao', 'second-password')).get('/session')).account.role, 'reviewer', 'signs in with the new password');
  let old = 'refused';
  try { await apiAs('zhao', 'first-password'); old = 'accepted'; } catch (e) { /* refused */ }
  eq(old, 'refused', 'the old password');
  await page.context().close();
});

await step('t01 appeals a score from its explanation; admin rejects it; t01 sees the decision', async () => {
  const page = await newPage();
  await signIn(page, 't01');
  await page.goto(base + '/card?period=2024');
  await page.waitForSelector('tr[data-node=key] button.cell');
  await shot(page, '11-card-t01');
  await page.click('tr[data-node=key] button.cell');
  await page.waitForSelector('form.appeal textarea');
  await page.fill('form.appeal textarea', '2月按期完成节点6个，月度通报漏记1个');
  await page.setInputFiles('form.appeal input[type=file]', { name: '2024年2月重点工作台账.txt', mimeType: 'text/plain',
    buffer: Buffer.from('2024年2月重点工作台账：应完成节点6个，按期完成6个（示例）。\n') });
  await shot(page, '11-appeal-form');
  await page.click('form.appeal button[type=submit]');
  await page.waitForSelector('#appeal[data-state=open] dd.evidence a');
  const open = await admin.get('/appeals?state=open');
  eq(open[0].unit + open[0].node, 'T01key', 'appeal filed');
  eq(open[0].evidence.length, 1, 'evidence attached');
  const file = await (await fetch(base + await page.getAttribute('dd.evidence a', 'href'), { headers: { Cookie: (await page.context().cookies()).map(c => `${c.name}=${c.value}`).join('; ') } })).text();
  if (!file.includes('按期完成6个')) throw new Error('evidence file does not download as uploaded: ' + file);
  await shot(page, '11-appeal-open');
  const id = open[0].id;
  const pa = await newPage();
  await signIn(pa, 'admin');
  await pa.goto(base + '/appeals?id=' + id);
  await pa.fill('form.decide textarea[name=reason]', '按实施细则，以区重点办月度通报为准，本项不予调整');
  await pa.click('#reject');
  await pa.waitForSelector('#appeal[data-state=rejected]');
  eq((await admin.get('/appeals/' + id)).state, 'rejected', 'decision');
  await shot(pa, '12-appeal-rejected-admin');
  await pa.context().close();
  await page.goto(base + '/appeals?id=' + id);
  await page.waitForSelector('#appeal[data-state=rejected] .decision');
  await shot(page, '12-appeal-rejected-t01');
  await page.context().close();
});

await step('t01 appeals January\'s revenue with evidence; admin accepts with corrections; the month is republished', async () => {
  const page = await newPage();
  await signIn(page, 't01');
  await page.goto(base + '/card?period=2025-01');
  await page.waitForSelector('tr[data-node=revenue] button.cell');
  await page.click('tr[data-node=revenue] button.cell');
  await page.waitForSelector('form.appeal textarea');
  await page.fill('form.appeal textarea', '1月地方一般公共预算收入应为5210万元，填报时误录为5120万元，见财政月报');
  await page.setInputFiles('form.appeal input[type=file]', [
    { name: '财政月报2025-01.txt', mimeType: 'text/plain', buffer: Buffer.from('城关街道 2025年1月 地方一般公共预算收入 5210 万元（示例）\n') },
    { name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('误录说明（示例）\n') }]);
  await page.click('form.appeal button[type=submit]');
  await page.waitForSelector('#appeal[data-state=open] dd.evidence a >> nth=1');
  const id = (await admin.get('/appeals?state=open'))[0].id;
  const before = (await admin.get('/snapshots'))[0];
  const pa = await newPage();
  await signIn(pa, 'admin');
  await pa.goto(base + '/appeals?id=' + id);
  await pa.fill('form.decide textarea[name=reason]', '经核对财政月报，予以更正');
  await pa.fill('form.decide textarea[name=corrections]', 'revenue, 2025-01, 5210\ntasks_due, 2025-01, 6');
  await shot(pa, '12-appeal-accept-form');
  await pa.click('#accept');
  await pa.waitForSelector('#appeal[data-state=accepted]');
  const a = await admin.get('/appeals/' + id);
  eq(`${a.state} ${a.snapshot_before} ${a.affected.includes('T01')}`, `accepted ${before.id} true`, 'decision');
  eq((await admin.get('/values?unit=T01&period=2025-01&indicator=revenue'))[0].value, 5210, 'corrected value');
  eq((await admin.get('/snapshots'))[0].id, a.snapshot_after, 'republished');
  await shot(pa, '12-appeal-accepted-admin');
  // The republished month's page shows what changed since the first publication.
  await pa.goto(base + '/snapshots?id=' + a.snapshot_after);
  await pa.waitForSelector('#diff tr[data-unit=T01]');
  const d = await admin.get(`/snapshots/${before.id}/diff/${a.snapshot_after}`);
  eq(await pa.$$eval('#diff table.diff tbody tr', trs => trs.map(tr => tr.dataset.unit).join()), d.units.map(u => u.unit).join(), 'units in the diff');
  eq(await pa.$eval('#diff tr[data-unit=T01]', tr => tr.dataset.cause), 'own_inputs', 'T01 moved by its own data');
  const inp = await pa.$$eval('#diff table.inputs tbody tr', trs => trs.map(tr => tr.textContent));
  if (!inp.some(x => /revenue/.test(x) && /5120/.test(x) && /5210/.test(x))) throw new Error('the corrected record is not listed: ' + inp.join(' | '));
  await shot(pa, '12-snapshot-diff');
  await pa.context().close();
  await page.goto(base + '/appeals?id=' + id);
  await page.waitForSelector('#appeal[data-state=accepted] .decision');
  await page.waitForSelector('#appeal table.compact tbody tr');
  await shot(page, '12-appeal-accepted-t01');
  await page.context().close();
});

await step('admin locks January; t01 finds the month read-only and the API refuses a change', async () => {
  const pa = await newPage();
  await signIn(pa, 'admin');
  await pa.goto(base + '/admin?tab=periods');
  await pa.click('#periods tr[data-code="2025-01"] button');
  await pa.waitForSelector('#periods tr[data-code="2025-01"] td:has-text("🔒")');
  await shot(pa, '10-admin-periods-locked');
  await pa.context().close();
  const page = await newPage();
  await signIn(page, 't01');
  await page.goto(base + '/entry?period=2025-01');
  await page.waitForSelector('p.banner.locked');
  eq(await page.$$eval('input.cell', is => is.filter(i => !i.readOnly).length), 0, 'editable cells in a locked month');
  if (await page.$('#submit-values')) throw new Error('a locked month offers to submit');
  await shot(page, '08-entry-locked');
  let code = 0;
  try { await (await apiAs('t01')).put('/values', { values: [{ unit: 'T01', indicator: 'gdp_growth', period: '2025-01', value: 8 }] }); } catch (e) { code = JSON.parse(e.message.replace(/^[^{]*/, '')).code; }
  eq(code, 3003, 'a write into the locked month');
  await page.context().close();
});

await step('pingyi: casts ballots from a phone', async () => {
  const page = await newPage({ width: 390, height: 844 });
  await signIn(page, 'pingyi');
  await page.waitForSelector('form.ballots');
  await page.fill('input[name=meeting]', '2025年一季度工作汇报会');
  await page.check('fieldset[data-unit=T01] input[value="好"]');
  await page.check('fieldset[data-unit=T02] input[value="较好"]');
  await shot(page, '13-ballots-phone');
  await page.click('form.ballots button[type=submit]');
  await page.waitForSelector('#my-ballots');
  const mine = await (await apiAs('pingyi')).get('/ballots');
  eq(mine.map(b => `${b.unit}:${b.grade}`).sort().join(), 'T01:好,T02:较好', 'ballots');
  await shot(page, '13-ballots-cast');
  await page.context().close();
});

await step('every other page renders for its roles', async () => {
  for (const [name, path, sel] of [['t01', '/snapshots?id=1', 'table.league'], ['lingdao', '/appeals', 'table.appeals'], ['shenhe', '/dashboard', 'table.lights']]) {
    const page = await newPage();
    await signIn(page, name);
    await page.goto(base + path);
    await page.waitForSelector(sel);
    await shot(page, `15-${name}-${path.replace(/\W+/g, '-').replace(/^-|-$/g, '')}`);
    await page.context().close();
  }
});

await browser.close();
server.kill('SIGTERM');
await new Promise(r => server.once('exit', r));
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots in ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
