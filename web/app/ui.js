// ui.js — small DOM helpers shared by the pages: h() builds elements, fmt()
// formats numbers, toast() reports, modal() opens an accessible dialog,
// showError() explains an ApiError in words, and the period helpers list the
// periods the pages offer.
import { t } from './i18n.js';
import { get } from './api.js';

// h('div.card#id', {attrs, on*: handler}, children…)
export function h(sel, attrs, ...kids) {
  const m = sel.match(/^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) for (const part of m[2].match(/[.#][\w-]+/g)) {
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    kids.unshift(attrs); attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'readOnly') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  add(el, kids);
  return el;
}
function add(el, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) add(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

// A number as published: up to `d` decimals, no trailing zeros; '—' for null.
export function fmt(v, d = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (typeof v !== 'number') return String(v);
  return String(Number(v.toFixed(d)));
}

export function toast(msg, kind = 'ok') {
  const box = document.getElementById('toasts');
  const el = h('div.toast.' + kind, { role: kind === 'err' ? 'alert' : 'status' }, msg);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'err' ? 8000 : 4000);
}

// Words for a failed request.
export function errText(e) {
  if (!e) return '';
  if (e.code === 2005 || e.code === 2006) return t('error.forbidden') + (e.message ? '：' + e.message : '');
  let s = e.message || String(e);
  if (e.line) s = `${e.file ? e.file + ' ' : ''}${t('error.line', e.line)}${e.col ? ':' + e.col : ''}：` + s;
  return s;
}
export function showError(e) { toast(t('error.generic', errText(e)), 'err'); }

// A dialog: returns {el, body, close}. Esc and the close button close it;
// focus goes into it and back where it was after.
export function modal(title, ...content) {
  const back = document.activeElement;
  const body = h('div.modal-body', ...content);
  const closeBtn = h('button.close', { type: 'button', 'aria-label': t('close') }, '×');
  const box = h('div.modal', { role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
    h('div.modal-head', h('h2', title), closeBtn), body);
  const shade = h('div.shade', box);
  const close = () => { shade.remove(); document.removeEventListener('keydown', onKey); if (back && back.focus) back.focus(); };
  const onKey = (ev) => { if (ev.key === 'Escape') close(); };
  closeBtn.addEventListener('click', close);
  shade.addEventListener('click', (ev) => { if (ev.target === shade) close(); });
  document.addEventListener('keydown', onKey);
  document.body.append(shade);
  const first = body.querySelector('textarea, input, select, button') || closeBtn;
  first.focus();
  return { el: box, body, close };
}

export function light(p) {
  if (!p || p === 'none') return '';
  return h('span.light.' + p, { title: t('light.' + p) }, h('span.dot'), t('light.' + p));
}

export function stateBadge(s) { return h('span.badge.st-' + s, t('state.' + s)); }

export function movementBadge(change) {
  if (change === null || change === undefined) return h('span.mv', '—');
  if (change > 0) return h('span.mv.up', { title: t('card.up', change) }, '▲' + change);
  if (change < 0) return h('span.mv.down', { title: t('card.down', -change) }, '▼' + (-change));
  return h('span.mv.same', { title: t('card.same') }, '＝');
}

// A labelled control: field(label, control) with the label bound to it.
let fieldSeq = 0;
export function field(label, control, hint) {
  if (!control.id) control.id = 'f' + (++fieldSeq);
  return h('div.field', h('label', { for: control.id }, label), control, hint ? h('small', hint) : null);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(o => {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: String(v) === String(value) }, label);
  }));
}

// ---- periods ----------------------------------------------------------------

let periodsCache = null;
export async function periods(refresh) {
  if (!periodsCache || refresh) periodsCache = await get('/periods');
  return periodsCache;
}
// The periods scores can be asked for: every year that has data, its halves,
// quarters and months, newest first.
export async function scorePeriods() {
  const ps = await periods();
  const years = [...new Set(ps.map(p => p.code.slice(0, 4)))].sort().reverse();
  const months = new Set(ps.filter(p => p.code.length === 7).map(p => p.code));
  const out = [];
  for (const y of years) {
    out.push(y, y + 'H2', y + 'H1', y + 'Q4', y + 'Q3', y + 'Q2', y + 'Q1');
    for (let m = 12; m >= 1; m--) {
      const c = `${y}-${String(m).padStart(2, '0')}`;
      if (months.has(c)) out.push(c);
    }
  }
  return out;
}
// The newest year whose December has data (so likely complete and scorable),
// else the newest year known. Chosen without asking the server, so that no
// request is made that is expected to fail.
export async function defaultScorePeriod() {
  const ps = await periods();
  const codes = new Set(ps.map(p => p.code));
  const years = [...new Set(ps.map(p => p.code.slice(0, 4)))].sort().reverse();
  return years.find(y => codes.has(y + '-12')) || years[0];
}
export function periodName(p) {
  if (/^\d{4}$/.test(p)) return p + '年';
  let m = p.match(/^(\d{4})H([12])$/); if (m) return `${m[1]}年${m[2] === '1' ? '上' : '下'}半年`;
  m = p.match(/^(\d{4})Q([1-4])$/); if (m) return `${m[1]}年第${m[2]}季度`;
  m = p.match(/^(\d{4})-(\d{2})$/); if (m) return `${m[1]}年${Number(m[2])}月`;
  return p;
}
// The same kind of period one step back (2023 for 2024, 2024Q2 for 2024Q3).
export function previousPeriod(p) {
  let m = p.match(/^(\d{4})$/); if (m) return String(+m[1] - 1);
  m = p.match(/^(\d{4})H([12])$/); if (m) return m[2] === '2' ? `${m[1]}H1` : `${+m[1] - 1}H2`;
  m = p.match(/^(\d{4})Q([1-4])$/); if (m) return m[2] === '1' ? `${+m[1] - 1}Q4` : `${m[1]}Q${+m[2] - 1}`;
  m = p.match(/^(\d{4})-(\d{2})$/);
  if (m) return +m[2] === 1 ? `${+m[1] - 1}-12` : `${m[1]}-${String(+m[2] - 1).padStart(2, '0')}`;
  return null;
}

// Pages call this to say they need a role; false when the account lacks it.
export function can(session, ...roles) { return !!session && roles.includes(session.account.role); }

// Heat-map background for a share 0..1 of the full score (red → amber → green).
export function heat(share) {
  if (share === null || share === undefined || !isFinite(share)) return '';
  const s = Math.max(0, Math.min(1.1, share));
  const hue = Math.round(Math.min(1, s) * 120);
  return `hsl(${hue}deg 70% ${s > 1 ? 78 : 86}%)`;
}

// Download text as a file made in the browser (CSV export).
export function download(name, text, type = 'text/csv;charset=utf-8') {
  const blob = new Blob(['\ufeff' + text], { type });
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a); a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}
