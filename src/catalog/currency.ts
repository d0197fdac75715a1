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
