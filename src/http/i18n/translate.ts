/**
 * Translation lookup. A missing Spanish string cannot happen (the `es` table is typed against
 * the English keys), so `t` never falls back silently to a key name.
 *
 * @example
 *   t('es', 'flash.file_too_large', { size: '2.0 MB' }) // "Archivo demasiado grande. Máximo 2.0 MB"
 */
import { en, es, type MessageKey } from './messages.js';

export type Locale = 'en' | 'es';
export const LOCALES: readonly Locale[] = ['en', 'es'];
export const DEFAULT_LOCALE: Locale = 'en';

export type MessageParams = Readonly<Record<string, string | number>>;

/**
 * A message a view model carries: either a key to translate at render time (so a flash set
 * before a redirect shows in the locale of the page that displays it) or literal text.
 */
export type Msg = string | { readonly key: MessageKey; readonly params?: MessageParams };

const TABLES: Record<Locale, Record<MessageKey, string>> = { en, es };

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'es';
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(en, value);
}

export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = TABLES[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Builds a translatable {@link Msg}: `msg('error.name_required')`. */
export function msg(key: MessageKey, params?: MessageParams): Msg {
  return params ? { key, params } : { key };
}

export function resolveMsg(locale: Locale, message: Msg): string {
  return typeof message === 'string' ? message : t(locale, message.key, message.params);
}
