/** GET/POST /login: the log-in form; a failed attempt shows the error in an error summary (role=alert) linking to the email field. */
import { t } from '../i18n/index.js';
import { csrfField, errorSummary, inputField } from './fields.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { LoginModel } from './types.js';

export function loginPage(model: LoginModel): string {
  const { locale } = model.page;
  const body = html`<section class="auth-card">
<h1>${t(locale, 'login.title')}</h1>
${errorSummary(locale, model.error ? [{ id: 'email', message: model.error }] : [], t(locale, 'errors.summary_title'))}
<form method="post" action="/login" class="stack">
  ${csrfField(model.page.csrfToken)}
  ${model.next ? html`<input type="hidden" name="next" value="${model.next}">` : ''}
  ${inputField(locale, { id: 'email', name: 'email', type: 'email', label: t(locale, 'login.email'), value: model.email, required: true, autocomplete: 'username' })}
  ${inputField(locale, { id: 'password', name: 'password', type: 'password', label: t(locale, 'login.password'), required: true, autocomplete: 'current-password' })}
  <button type="submit" class="button primary">${t(locale, 'login.submit')}</button>
</form>
<p>${t(locale, 'login.no_account')} <a href="/signup">${t(locale, 'login.signup_link')}</a></p>
</section>`;
  return layout(model.page, t(locale, 'login.title'), body);
}
