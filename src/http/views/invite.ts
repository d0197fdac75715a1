/** GET/POST /invite/{token}: join a shop by its one-time invitation (email, password, confirmation). */
import { t } from '../i18n/index.js';
import { roleName } from './account-parts.js';
import type { InviteModel } from './account-types.js';
import { csrfField, errorSummary, inputField, type SummaryEntry } from './fields.js';
import { html } from './html.js';
import { layout } from './layout.js';

const FIELD_IDS = { email: 'email', password: 'password', confirm: 'confirm' } as const;

export function invitePage(model: InviteModel): string {
  const { locale } = model.page;
  const e = model.errors;
  const summary: SummaryEntry[] = [];
  for (const field of ['email', 'password', 'confirm'] as const) {
    const message = e[field];
    if (message) summary.push({ id: FIELD_IDS[field], message });
  }
  const title = t(locale, 'invite.title', { shop: model.shopName });
  const body = html`<section class="auth-card">
<h1>${title}</h1>
${errorSummary(locale, summary, t(locale, 'errors.summary_title'))}
<p>${t(locale, 'invite.intro', { shop: model.shopName, role: roleName(locale, model.role) })}</p>
<form method="post" action="/invite/${model.token}" class="stack" novalidate>
  ${csrfField(model.page.csrfToken)}
  ${inputField(locale, { id: 'email', name: 'email', type: 'email', label: t(locale, 'invite.email'), value: model.email, error: e.email, required: true, autocomplete: 'email', maxlength: 254 })}
  ${inputField(locale, { id: 'password', name: 'password', type: 'password', label: t(locale, 'invite.password'), hint: t(locale, 'invite.password_hint'), error: e.password, required: true, autocomplete: 'new-password', minlength: 8 })}
  ${inputField(locale, { id: 'confirm', name: 'confirm', type: 'password', label: t(locale, 'invite.confirm'), error: e.confirm, required: true, autocomplete: 'new-password' })}
  <button type="submit" class="button primary">${t(locale, 'invite.submit')}</button>
</form>
</section>`;
  return layout(model.page, title, body);
}
