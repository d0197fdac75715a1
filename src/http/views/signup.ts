/** GET/POST /signup: creates a tenant (company) and its first user. Fields: tenant_name, email, password. */
import { t } from '../i18n/index.js';
import { suggestedCurrency } from '../../catalog/currency.js';
import { currencyField } from './currency-field.js';
import { csrfField, errorSummary, inputField, type SummaryEntry } from './fields.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { SignupModel } from './types.js';

export const MIN_PASSWORD_LENGTH = 8;
/** The shop name's limit: the input stops typing there, the server says so to a client that sends more. */
export const MAX_TENANT_NAME_LENGTH = 100;

export function signupPage(model: SignupModel): string {
  const { locale } = model.page;
  const { values, errors } = model;
  // In the order of the fields, each linking to its field.
  const problems: SummaryEntry[] = (['tenant_name', 'email', 'password', 'currency'] as const).flatMap((id) => {
    const message = errors[id];
    return message === undefined ? [] : [{ id, message }];
  });
  const body = html`<section class="auth-card">
<h1>${t(locale, 'signup.title')}</h1>
${errorSummary(locale, problems, t(locale, 'errors.summary_title'))}
<form method="post" action="/signup" class="stack">
  ${csrfField(model.page.csrfToken)}
  ${inputField(locale, { id: 'tenant_name', name: 'tenant_name', label: t(locale, 'signup.tenant_name'), value: values.tenant_name, error: errors.tenant_name, required: true, autocomplete: 'organization', maxlength: MAX_TENANT_NAME_LENGTH })}
  ${inputField(locale, { id: 'email', name: 'email', type: 'email', label: t(locale, 'signup.email'), value: values.email, error: errors.email, required: true, autocomplete: 'email' })}
  ${inputField(locale, { id: 'password', name: 'password', type: 'password', label: t(locale, 'signup.password'), hint: t(locale, 'signup.password_hint'), error: errors.password, required: true, autocomplete: 'new-password', minlength: MIN_PASSWORD_LENGTH })}
  ${currencyField(locale, { value: values.currency ?? suggestedCurrency(locale), error: errors.currency, hint: t(locale, 'prices.currency_hint') })}
  <button type="submit" class="button primary">${t(locale, 'signup.submit')}</button>
</form>
<p>${t(locale, 'signup.have_account')} <a href="/login">${t(locale, 'signup.login_link')}</a></p>
</section>`;
  return layout(model.page, t(locale, 'signup.title'), body);
}
