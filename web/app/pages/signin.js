// signin.js — the sign-in page: POST /session {name, password}; the answer
// carries the account and the CSRF token (docs/api.md, "Sessions").
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, field } from '../ui.js';

export async function render(view, ctx) {
  const name = h('input', { name: 'name', autocomplete: 'username', required: true, autofocus: true });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('p.error', { role: 'alert' });
  const form = h('form.signin.panel', { onsubmit: async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      const d = await api('POST', '/session', { name: name.value.trim(), password: pw.value });
      ctx.signedIn(d, ctx.params.get('next'));
    } catch (e) {
      msg.textContent = e.code === 2002 ? t('signin.failed') : (e.message || String(e));
      pw.select();
    }
  } },
  h('h1', t('signin.title')),
  field(t('signin.name'), name), field(t('signin.password'), pw),
  h('button.primary', { type: 'submit' }, t('signin.submit')), msg,
  h('p.hint', t('signin.demo')));
  view.append(h('div.center', form));
}
