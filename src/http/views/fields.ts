/**
 * Form controls with their label, hint and error wired together for assistive technology:
 * the error gets an id, the control gets aria-invalid and aria-describedby naming the hint
 * and the error, so a screen reader reads the problem when the field is focused.
 */
import { resolveMsg, type Locale, type Msg } from '../i18n/index.js';
import { attr, html, type SafeHtml } from './html.js';

export interface FieldOptions {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly error?: Msg | undefined;
  readonly hint?: string;
  readonly type?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly inputmode?: string;
  readonly minlength?: number;
  readonly maxlength?: number;
}

export const errorId = (id: string) => `${id}-error`;
export const hintId = (id: string) => `${id}-hint`;

/** The shared attributes: aria-invalid/aria-describedby only when there is something to point at. */
export function describedBy(id: string, hasHint: boolean, hasError: boolean): SafeHtml {
  const ids = [hasHint ? hintId(id) : '', hasError ? errorId(id) : ''].filter(Boolean).join(' ');
  return html`${hasError ? html` aria-invalid="true"` : ''}${attr('aria-describedby', ids || null)}`;
}

export function fieldHint(id: string, hint: string | undefined): SafeHtml {
  return hint ? html`<p class="hint" id="${hintId(id)}">${hint}</p>` : html``;
}

export function fieldError(locale: Locale, id: string, error: Msg | undefined): SafeHtml {
  return error ? html`<p class="field-error" id="${errorId(id)}">${resolveMsg(locale, error)}</p>` : html``;
}

export function inputField(locale: Locale, f: FieldOptions): SafeHtml {
  return html`<div class="field${f.error ? ' has-error' : ''}">
  <label for="${f.id}">${f.label}</label>
  <input id="${f.id}" name="${f.name}" type="${f.type ?? 'text'}" value="${f.value ?? ''}"${attr('required', f.required)}${attr('autocomplete', f.autocomplete)}${attr('inputmode', f.inputmode)}${attr('minlength', f.minlength)}${attr('maxlength', f.maxlength)}${describedBy(f.id, Boolean(f.hint), Boolean(f.error))}>
  ${fieldHint(f.id, f.hint)}${fieldError(locale, f.id, f.error)}
</div>`;
}

export function csrfField(token: string | undefined): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;
}

/** One line of an error summary: the field's id (the link's target) and what is wrong with it. */
export interface SummaryEntry {
  readonly id: string;
  readonly message: Msg;
}

/**
 * The GOV.UK error summary: at the top of a refused form, a box that lists each problem as a
 * link to its field. public/app.js moves focus to it when the page loads (role="alert" has it
 * announced without JS too). Nothing when there are no problems.
 */
export function errorSummary(locale: Locale, entries: readonly SummaryEntry[], title: string): SafeHtml {
  if (entries.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" data-error-summary aria-labelledby="error-summary-title">
  <h2 id="error-summary-title">${title}</h2>
  <ul>${entries.map((e) => html`<li><a href="#${e.id}">${resolveMsg(locale, e.message)}</a></li>`)}</ul>
</div>`;
}
