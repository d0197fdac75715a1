/** GET/POST /reset/{token}: a new password (and its confirmation) from a one-time reset link. */
import { t } from '../i18n/index.js';
import type { LinkGoneModel, ResetModel } from './account-types.js';
import { csrfField, errorSummary, inputField, type SummaryEntry } from './fields.js';
import { html } from './html.js';
import { layout } from './layout.js';

export function resetPage(model: ResetModel): string {
  const { locale } = model.page;
  const e = model.errors;
  const summary: SummaryEntry[] = [];
  if (e.password) summary.push({ id: 'password', message: e.password });
  if (e.confirm) summary.push({ id: 'confirm', message: e.confirm });
  const title = t(locale, 'reset.title');
  const body = html`<section class="auth-card">
<h1>${title}</h1>
${errorSummary(locale, summary, t(locale, 'errors.summary_title'))}
<form method="post" action="/reset/${model.token}" class="stack" novalidate>
  ${csrfField(model.page.csrfToken)}
  ${inputField(locale, { id: 'password', name: 'password', type: 'password', label: t(locale, 'reset.password'), hint: t(locale, 'settings.new_password_hint'), error: e.password, required: true, autocomplete: 'new-password', minlength: 8 })}
  ${inputField(locale, { id: 'confirm', name: 'confirm', type: 'password', label: t(locale, 'reset.confirm'), error: e.confirm, required: true, autocomplete: 'new-password' })}
  <button type="submit" class="button primary">${t(locale, 'reset.submit')}</button>
</form>
</section>`;
  return layout(model.page, title, body);
}

/** An invitation or reset link that is expired, used or unknown: what happened and where to go. */
export function linkGonePage(model: LinkGoneModel): string {
  const { locale } = model.page;
  const body = html`<section class="auth-card">
<h1>${model.title}</h1>
<p>${model.message}</p>
<p><a class="button" href="/login">${t(locale, 'reset.login_link')}</a></p>
</section>`;
  return layout(model.page, model.title, body);
}
