/**
 * Picks the page language. An explicit choice wins over the browser's preference:
 * the `?lang=` query (the language switch) first, then the `lang` cookie it sets, then the
 * best Accept-Language entry we support, then English.
 *
 * @example
 *   negotiateLocale('es-MX,es;q=0.9,en;q=0.8', undefined, undefined) // 'es'
 *   negotiateLocale('es', 'en', undefined)                           // 'en' (cookie wins)
 */
import { DEFAULT_LOCALE, isLocale, type Locale } from './translate.js';

/** A language tag longer than this is not one we serve; a header is read only this far (a browser's is under 200). */
const MAX_TAG_LENGTH = 64;
const MAX_HEADER_LENGTH = 1024;

export function negotiateLocale(
  acceptLanguage: string | undefined | null,
  cookieValue: string | undefined | null,
  queryValue: string | undefined | null,
): Locale {
  const query = normalise(queryValue);
  if (query) return query;
  const cookie = normalise(cookieValue);
  if (cookie) return cookie;
  return fromAcceptLanguage(acceptLanguage ?? '') ?? DEFAULT_LOCALE;
}

function normalise(value: string | undefined | null): Locale | undefined {
  if (typeof value !== 'string' || value.length > MAX_TAG_LENGTH) return undefined;
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : undefined;
}

/** RFC 9110 §12.5.4: highest q wins, ties keep header order, q=0 means "not this one". */
function fromAcceptLanguage(header: string): Locale | undefined {
  let best: { locale: Locale; q: number } | undefined;
  for (const part of header.slice(0, MAX_HEADER_LENGTH).split(',').slice(0, 32)) {
    const [tag = '', ...params] = part.trim().split(';');
    const locale = normalise(tag);
    if (!locale) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { locale, q };
  }
  return best?.locale;
}
