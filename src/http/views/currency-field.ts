/**
 * The shop's currency as a select: the common ones first, then every other ISO 4217 code this
 * Node's Intl knows, each labelled in the page's language ("euro (EUR)"). Used by sign-up and
 * the settings page.
 */
import { currencyOptions, type CurrencyOption } from '../../catalog/currency.js';
import { t, type Locale, type Msg } from '../i18n/index.js';
import { describedBy, fieldError, fieldHint } from './fields.js';
import { html, type SafeHtml } from './html.js';

export interface CurrencyFieldOptions {
  readonly id?: string;
  readonly name?: string;
  /** The code to select; an unknown one (a refused post) selects nothing. */
  readonly value: string;
  readonly error?: Msg | undefined;
  readonly hint?: string | undefined;
}

export function currencyField(locale: Locale, f: CurrencyFieldOptions): SafeHtml {
  const id = f.id ?? 'currency';
  const { common, others } = currencyOptions(locale);
  const option = (c: CurrencyOption) => html`<option value="${c.code}"${c.code === f.value ? html` selected` : ''}>${c.label}</option>`;
  return html`<div class="field${f.error ? ' has-error' : ''}">
  <label for="${id}">${t(locale, 'prices.currency')}</label>
  <select id="${id}" name="${f.name ?? 'currency'}" required${describedBy(id, Boolean(f.hint), Boolean(f.error))}>
    <optgroup label="${t(locale, 'prices.currency_common')}">${common.map(option)}</optgroup>
    <optgroup label="${t(locale, 'prices.currency_all')}">${others.map(option)}</optgroup>
  </select>
  ${fieldHint(id, f.hint)}${fieldError(locale, id, f.error)}
</div>`;
}
