// main.js — starts the web app: finds out who is signed in (GET /session),
// draws the header with the pages this role may use, and routes paths to page
// modules (history API; the server answers every extension-less path with
// index.html). Pages export render(view, ctx) and are loaded on first use.
import { get, del, setCsrf, whenSignedOut } from './api.js';
import { t, getLang, setLang } from './i18n.js';
import { h, clear, showError } from './ui.js';

// path → [module, roles allowed (null: everyone signed in)]
const PAGES = {
  '/dashboard': ['./pages/dashboard.js', ['admin', 'leader', 'reviewer']],
  '/league': ['./pages/league.js', ['admin', 'leader', 'reviewer']],
  '/card': ['./pages/card.js', ['admin', 'leader', 'reviewer', 'reporter']],
  '/entry': ['./pages/entry.js', ['admin', 'dept', 'reporter']],
  '/review': ['./pages/review.js', ['admin', 'reviewer']],
  '/appeals': ['./pages/appeals.js', ['admin', 'leader', 'reviewer', 'reporter']],
  '/snapshots': ['./pages/snapshots.js', null],
  '/ballots': ['./pages/ballots.js', ['evaluator']],
  '/admin': ['./pages/admin.js', ['admin', 'leader']],
};
const NAV = ['/dashboard', '/league', '/card', '/entry', '/review', '/appeals', '/ballots', '/snapshots', '/admin'];
const HOME = { admin: '/dashboard', leader: '/dashboard', reviewer: '/review', reporter: '/card', dept: '/entry', evaluator: '/ballots' };

const ctx = { session: null, go, params: new URLSearchParams() };
let renderSeq = 0;

export function go(path, replace) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}

function header() {
  const top = clear(document.getElementById('top'));
  const s = ctx.session;
  const langBtn = h('button.link', { type: 'button', title: t('lang.title'), onclick: () => { setLang(getLang() === 'en' ? 'zh' : 'en'); route(); } }, t('lang'));
  if (!s) { top.append(h('div.bar', h('span.brand', t('app')), h('span.grow'), langBtn)); return; }
  const role = s.account.role;
  const here = location.pathname;
  const nav = h('nav', { 'aria-label': 'main' }, NAV.filter(p => !PAGES[p][1] || PAGES[p][1].includes(role)).map(p =>
    h('a', { href: p, 'data-link': '', 'aria-current': here === p ? 'page' : null }, t('nav' + p.replace('/', '.')))));
  top.append(h('div.bar',
    h('a.brand', { href: '/', 'data-link': '' }, t('app')), nav, h('span.grow'),
    h('span.who', s.account.display || s.account.name, ' · ', t('role.' + role)),
    langBtn,
    h('button.link', { type: 'button', onclick: signOut }, t('nav.signout'))));
}

async function signOut() {
  try { await del('/session'); } catch (e) { /* already gone */ }
  ctx.session = null; setCsrf(null);
  go('/signin');
}

export async function route() {
  const seq = ++renderSeq;
  const view = document.getElementById('view');
  let path = location.pathname.replace(/\/+$/, '') || '/';
  ctx.params = new URLSearchParams(location.search);
  document.body.classList.remove('big');
  if (!ctx.session && path !== '/signin') {
    history.replaceState(null, '', '/signin?next=' + encodeURIComponent(location.pathname + location.search));
    path = '/signin';
  }
  if (ctx.session && (path === '/' || path === '/signin')) {
    path = HOME[ctx.session.account.role] || '/snapshots';
    history.replaceState(null, '', path);
  }
  header();
  clear(view);
  let mod;
  if (path === '/signin') mod = await import('./pages/signin.js');
  else if (PAGES[path] && (!PAGES[path][1] || PAGES[path][1].includes(ctx.session.account.role))) mod = await import(PAGES[path][0]);
  if (seq !== renderSeq) return;
  if (!mod) { view.append(h('h1', t('notfound'))); return; }
  try {
    await mod.render(view, ctx);
  } catch (e) {
    if (seq === renderSeq) { showError(e); view.append(h('p.error', String(e.message || e))); }
  }
  if (seq === renderSeq && !document.querySelector('.shade')) {
    const auto = view.querySelector('[autofocus]');
    if (auto) auto.focus();
  }
}

// Signed in: keep the session and its CSRF token, then go where asked.
ctx.signedIn = (data, next) => {
  ctx.session = data; setCsrf(data.csrf);
  go(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
};

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[data-link]');
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || a.target) return;
  ev.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', route);
whenSignedOut(() => { if (ctx.session) { ctx.session = null; setCsrf(null); route(); } });

(async () => {
  try {
    const s = await get('/session');
    ctx.session = s; setCsrf(s.csrf);
  } catch (e) { ctx.session = null; }
  route();
})();
