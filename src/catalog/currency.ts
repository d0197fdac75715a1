/**
 * The shop's currency: an ISO 4217 code that this Node's Intl knows (so every price can be
 * shown with it), upper-case, three letters.
 *
 * @example
 *   isCurrencyCode('EUR') // true
 *   isCurrencyCode('eur') // false: codes are stored and compared upper-case
 *   currencyFractionDigits('JPY') // 0
 */

/** What a shop gets when nobody chose (sign-up offers the page language's usual one). */
export const DEFAULT_CURRENCY = 'USD';

let known: ReadonlySet<string> | undefined;

/** Every ISO 4217 code Intl can format, sorted. */
export function currencyCodes(): ReadonlySet<string> {
  known ??= new Set(Intl.supportedValuesOf('currency'));
  return known;
}

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && value.length === 3 && currencyCodes().has(value);
}

/** Minor-unit digits the currency is written with: 2 for EUR, 0 for JPY, 3 for KWD. */
export function currencyFractionDigits(code: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Offered first at sign-up and in settings: the shops Vitrina is used by (Spanish- and English-speaking). */
export const COMMON_CURRENCIES: readonly string[] = Object.freeze([
  'EUR',
  'USD',
  'GBP',
  'MXN',
  'ARS',
  'COP',
  'CLP',
  'PEN',
  'UYU',
  'BOB',
  'CAD',
  'AUD',
  'CHF',
]);

/** The usual currency for a page language when nobody chose one: English → USD, Spanish → EUR. */
export function suggestedCurrency(locale: string): string {
  return locale === 'es' ? 'EUR' : DEFAULT_CURRENCY;
}

export interface CurrencyOption {
  readonly code: string;
  /** "euro (EUR)", "US Dollar (USD)": the name in the page's language, then the code. */
  readonly label: string;
}

const OPTIONS = new Map<string, { common: CurrencyOption[]; others: CurrencyOption[] }>();

/**
 * Every currency Intl knows, labelled in `locale` (an Intl tag such as 'en' or 'es'): the
 * common ones first in their own order, then the rest sorted by label. Built once per locale.
 */
export function currencyOptions(locale: string): {
  readonly common: readonly CurrencyOption[];
  readonly others: readonly CurrencyOption[];
} {
  let found = OPTIONS.get(locale);
  if (found === undefined) {
    const names = new Intl.DisplayNames([locale], { type: 'currency', fallback: 'code' });
    const option = (code: string): CurrencyOption => {
      const name = names.of(code) ?? code;
      return { code, label: name === code ? code : `${name} (${code})` };
    };
    const common = COMMON_CURRENCIES.filter((c) => currencyCodes().has(c)).map(option);
    const others = [...currencyCodes()]
      .filter((c) => !COMMON_CURRENCIES.includes(c))
      .map(option)
      .sort((a, b) => a.label.localeCompare(b.label, locale));
    found = { common, others };
    if (OPTIONS.size < 16) OPTIONS.set(locale, found);
  }
  return found;
}

/** The currency's name in `locale` ("euro", "US Dollar"), or its code when Intl has none. */
export function currencyName(locale: string, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'currency', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}
