/**
 * A tiny, dependency-free HTML template tag. Every interpolated value is escaped unless it is
 * a {@link SafeHtml} — which only `html` itself and `raw()` produce — so user data can never
 * become markup by accident. Arrays are joined (each item escaped on its own), and
 * `null`, `undefined` and `false` render as nothing so `${cond && html`…`}` reads naturally.
 *
 * @example
 *   html`<li>${product.name}</li>`            // "<li>&lt;script&gt;…</li>"
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks a trusted snippet (never user input) as markup, e.g. an inline SVG we wrote. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Renders optional attribute `name="value"`; nothing when the value is null/undefined/false. */
export function attr(name: string, value: string | number | boolean | null | undefined): SafeHtml {
  if (value === null || value === undefined || value === false) return raw('');
  if (value === true) return raw(` ${name}`);
  return html` ${raw(name)}="${String(value)}"`;
}
