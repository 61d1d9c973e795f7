// api.js — the one way the web app talks to kaohe serve: the JSON API under
// /api/v1 (docs/api.md). Unwraps the envelope {ok, data} / {ok:false, error},
// sends the session's CSRF token on every state-changing request, and turns
// failures into ApiError (code, status, field, line, col as the API gives them).

let csrf = null;
let onSignedOut = null;

export class ApiError extends Error {
  constructor(status, e) {
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 0;
    this.field = e.field || null;
    this.file = e.file || null;
    this.line = e.line || null;
    this.col = e.col || null;
  }
}

export function setCsrf(token) { csrf = token; }
// Called when a request answers 2001 (not signed in / session ended).
export function whenSignedOut(fn) { onSignedOut = fn; }

// Query string from an object, leaving out null/undefined/'' values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== null && v !== undefined && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

// api(method, path, body?, {raw, type, full}) → data (or the whole envelope with full).
// raw: send body as is with Content-Type type (uploads of YAML, CSV).
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body !== undefined) {
    if (opts.raw) { payload = body; headers['Content-Type'] = opts.type || 'application/octet-stream'; }
    else { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch('/api/v1' + path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { code: 0, message: String(e.message || e) });
  }
  let j = null;
  try { j = await res.json(); } catch (e) { /* not JSON */ }
  if (!j) throw new ApiError(res.status, { code: 0, message: `HTTP ${res.status}` });
  if (!j.ok) {
    const err = new ApiError(res.status, j.error || {});
    if (err.code === 2001 && onSignedOut && path !== '/session') onSignedOut();
    throw err;
  }
  return opts.full ? j : j.data;
}

export const get = (p, q) => api('GET', p + qs(q));
export const post = (p, b) => api('POST', p, b === undefined ? {} : b);
export const put = (p, b) => api('PUT', p, b);
export const patch = (p, b) => api('PATCH', p, b);
export const del = (p) => api('DELETE', p);

// Every page of a paged list (limit 1000 each).
export async function getAll(p, q = {}) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const j = await api('GET', p + qs({ ...q, limit: 1000, offset }), undefined, { full: true });
    out.push(...j.data);
    if (!j.page || out.length >= j.page.total || j.data.length === 0) return out;
  }
}

// The default scheme (the active one, else the first) as GET /schemes/{id}
// gives it: inputs, tree, categories, tiers; null when there is none.
export async function defaultScheme() {
  const list = await get('/schemes');
  const s = list.find(x => x.default) || list[0];
  return s ? get(`/schemes/${encodeURIComponent(s.id)}`) : null;
}
