/** Pieces the account pages share: a labelled select, a one-time secret to copy, dates, role names. */
import { t, type Locale, type Msg } from '../i18n/index.js';
import { describedBy, fieldError, fieldHint } from './fields.js';
import { html, type SafeHtml } from './html.js';
import type { Role } from './account-types.js';

export interface SelectOptions {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly options: readonly { value: string; label: string }[];
  readonly hint?: string | undefined;
  readonly error?: Msg | undefined;
}

export function selectField(locale: Locale, f: SelectOptions): SafeHtml {
  return html`<div class="field${f.error ? ' has-error' : ''}">
  <label for="${f.id}">${f.label}</label>
  <select id="${f.id}" name="${f.name}"${describedBy(f.id, Boolean(f.hint), Boolean(f.error))}>${f.options.map(
    (o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}>${o.label}</option>`,
  )}</select>
  ${fieldHint(f.id, f.hint)}${fieldError(locale, f.id, f.error)}
</div>`;
}

/** A secret shown once (an API key, a link): read-only, selected on focus by app.js if present, with what to do with it. */
export function oneTimeSecret(id: string, label: string, value: string, hint: string): SafeHtml {
  return html`<div class="field one-time-secret">
  <label for="${id}">${label}</label>
  <input id="${id}" type="text" readonly autofocus value="${value}" spellcheck="false" autocomplete="off" aria-describedby="${id}-hint">
  <p class="hint" id="${id}-hint">${hint}</p>
</div>`;
}

export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
}

export function roleName(locale: Locale, role: Role): string {
  return t(locale, role === 'owner' ? 'team.role_owner' : 'team.role_editor');
}
