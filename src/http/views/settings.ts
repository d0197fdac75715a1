/**
 * GET /settings: the shop (owners change it; editors see it), the person's password, and the
 * shop's API keys (owners only; a new key's token is shown this once). A refused form comes back
 * with the error summary at the top, linking to each field.
 */
import { currencyName } from '../../catalog/currency.js';
import { t, type Locale } from '../i18n/index.js';
import { formatDate, oneTimeSecret, roleName, selectField } from './account-parts.js';
import type { ApiKeyRow, SettingsModel } from './account-types.js';
import { currencyField } from './currency-field.js';
import { csrfField, errorSummary, inputField, type SummaryEntry } from './fields.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

export function settingsPage(model: SettingsModel): string {
  const { locale } = model.page;
  const summary: SummaryEntry[] = [];
  for (const [id, message] of Object.entries(model.shopErrors)) if (message) summary.push({ id, message });
  for (const [id, message] of Object.entries(model.passwordErrors)) if (message) summary.push({ id, message });
  if (model.apiKeys?.nameError) summary.push({ id: 'key_name', message: model.apiKeys.nameError });
  const body = html`<section class="account-page">
<h1>${t(locale, 'settings.title')}</h1>
${errorSummary(locale, summary, t(locale, 'errors.summary_title'))}
<p>${t(locale, 'settings.your_role', { role: roleName(locale, model.role) })}${model.role === 'owner' ? html` · <a href="/settings/team">${t(locale, 'settings.team_link')}</a>` : ''}</p>
${shopSection(model)}
${passwordSection(model)}
${model.apiKeys === undefined ? '' : keysSection(locale, model.page.csrfToken, model.apiKeys)}
</section>`;
  return layout(model.page, t(locale, 'settings.title'), body);
}

function shopSection(model: SettingsModel): SafeHtml {
  const { locale } = model.page;
  const { shop } = model;
  const languages = [
    { value: '', label: t(locale, 'settings.language_browser') },
    { value: 'en', label: t(locale, 'settings.language_en') },
    { value: 'es', label: t(locale, 'settings.language_es') },
  ];
  if (model.role !== 'owner') {
    const currency = `${currencyName(locale, shop.currency)} (${shop.currency})`;
    const language = languages.find((l) => l.value === shop.default_locale)?.label ?? '';
    return html`<section class="settings-section" aria-labelledby="shop-heading">
<h2 id="shop-heading">${t(locale, 'settings.shop_heading')}</h2>
<dl class="settings-facts">
  <dt>${t(locale, 'settings.shop_name')}</dt><dd>${shop.name}</dd>
  <dt>${t(locale, 'settings.currency')}</dt><dd>${currency}</dd>
  <dt>${t(locale, 'settings.language')}</dt><dd>${language}</dd>
</dl>
<p class="hint">${t(locale, 'settings.owner_only')}</p>
</section>`;
  }
  const e = model.shopErrors;
  return html`<section class="settings-section" aria-labelledby="shop-heading">
<h2 id="shop-heading">${t(locale, 'settings.shop_heading')}</h2>
<form method="post" action="/settings" class="stack" novalidate>
  ${csrfField(model.page.csrfToken)}
  ${inputField(locale, { id: 'name', name: 'name', label: t(locale, 'settings.shop_name'), value: shop.name, error: e.name, required: true, autocomplete: 'organization', maxlength: 200 })}
  ${currencyField(locale, { value: shop.currency, hint: t(locale, 'settings.currency_hint'), error: e.currency })}
  ${selectField(locale, { id: 'default_locale', name: 'default_locale', label: t(locale, 'settings.language'), value: shop.default_locale, hint: t(locale, 'settings.language_hint'), error: e.default_locale, options: languages })}
  <button type="submit" class="button primary">${t(locale, 'settings.save')}</button>
</form>
</section>`;
}

function passwordSection(model: SettingsModel): SafeHtml {
  const { locale } = model.page;
  const e = model.passwordErrors;
  return html`<section class="settings-section" aria-labelledby="password-heading">
<h2 id="password-heading">${t(locale, 'settings.password_heading')}</h2>
<form method="post" action="/settings/password" class="stack" novalidate>
  ${csrfField(model.page.csrfToken)}
  ${inputField(locale, { id: 'current_password', name: 'current_password', type: 'password', label: t(locale, 'settings.current_password'), error: e.current_password, required: true, autocomplete: 'current-password' })}
  ${inputField(locale, { id: 'new_password', name: 'new_password', type: 'password', label: t(locale, 'settings.new_password'), hint: t(locale, 'settings.new_password_hint'), error: e.new_password, required: true, autocomplete: 'new-password', minlength: 8 })}
  ${inputField(locale, { id: 'confirm_password', name: 'confirm_password', type: 'password', label: t(locale, 'settings.confirm_password'), error: e.confirm_password, required: true, autocomplete: 'new-password' })}
  <button type="submit" class="button">${t(locale, 'settings.change_password')}</button>
</form>
</section>`;
}

function keysSection(locale: Locale, csrf: string | undefined, keys: NonNullable<SettingsModel['apiKeys']>): SafeHtml {
  return html`<section class="settings-section" aria-labelledby="keys-heading">
<h2 id="keys-heading">${t(locale, 'settings.keys_heading')}</h2>
<p>${t(locale, 'settings.keys_intro')}</p>
${keys.newToken === undefined ? '' : oneTimeSecret('new_token', t(locale, 'settings.key_token_label'), keys.newToken, t(locale, 'settings.key_token_hint'))}
${keys.keys.length === 0 ? html`<p>${t(locale, 'settings.keys_none')}</p>` : keysTable(locale, csrf, keys.keys)}
<form method="post" action="/settings/api-keys" class="stack" novalidate>
  ${csrfField(csrf)}
  ${inputField(locale, { id: 'key_name', name: 'name', label: t(locale, 'settings.key_name'), hint: t(locale, 'settings.key_name_hint'), value: keys.name, error: keys.nameError, required: true, maxlength: 100 })}
  <button type="submit" class="button">${t(locale, 'settings.key_create')}</button>
</form>
</section>`;
}

function keysTable(locale: Locale, csrf: string | undefined, keys: readonly ApiKeyRow[]): SafeHtml {
  return html`<div class="table-scroll"><table class="account-table">
<caption class="visually-hidden">${t(locale, 'settings.keys_caption')}</caption>
<thead><tr><th scope="col">${t(locale, 'settings.key_name')}</th><th scope="col">${t(locale, 'settings.key_prefix')}</th><th scope="col">${t(locale, 'settings.key_created')}</th><th scope="col">${t(locale, 'settings.key_last_used')}</th><th scope="col">${t(locale, 'settings.key_actions')}</th></tr></thead>
<tbody>${keys.map(
    (k) => html`<tr>
  <td data-label="${t(locale, 'settings.key_name')}">${k.name}</td>
  <td data-label="${t(locale, 'settings.key_prefix')}"><code>vk_${k.prefix}_…</code></td>
  <td data-label="${t(locale, 'settings.key_created')}">${formatDate(locale, k.createdAt)}</td>
  <td data-label="${t(locale, 'settings.key_last_used')}">${k.lastUsedAt === null ? t(locale, 'settings.key_never') : formatDate(locale, k.lastUsedAt)}</td>
  <td><form method="post" action="/settings/api-keys/${String(k.id)}/revoke" class="inline-form">${csrfField(csrf)}<button type="submit" class="link-button" aria-label="${t(locale, 'settings.key_revoke_label', { name: k.name })}">${t(locale, 'settings.key_revoke')}</button></form></td>
</tr>`,
  )}</tbody>
</table></div>`;
}
