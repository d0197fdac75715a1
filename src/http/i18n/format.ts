/**
 * Locale-aware formatting for what the pages show: prices (exact decimals, never through a
 * float), byte sizes for upload limits, and unit-of-measure labels.
 */
import { currencyFractionDigits, currencyName, isCurrencyCode } from '../../catalog/currency.js';
import { priceExample, type PriceFormat } from '../../catalog/price.js';
import { isMessageKey, msg, t, type Locale, type Msg } from './translate.js';

const INTL_TAG: Record<Locale, string> = { en: 'en-US', es: 'es-ES' };

interface Separators {
  group: string;
  decimal: string;
}

/** Read once per locale: building an Intl.NumberFormat costs about a millisecond, a list page formats 50 prices. */
const SEPARATORS = new Map<Locale, Separators>();

function separators(locale: Locale): Separators {
  let found = SEPARATORS.get(locale);
  if (found === undefined) {
    const parts = new Intl.NumberFormat(INTL_TAG[locale], { useGrouping: true }).formatToParts(1234567.5);
    found = {
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    };
    SEPARATORS.set(locale, found);
  }
  return found;
}

/**
 * Formats an exact decimal string ("1234.5") for people: "1,234.50" (en), "1.234,50" (es).
 * Works on the digits as text so NUMERIC(12,2) values are never rounded through a double.
 * Anything that is not a plain decimal is returned unchanged.
 */
export function formatDecimal(locale: Locale, value: string, minFraction = 2): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign = '', int = '0', frac = ''] = m;
  const { group, decimal } = separators(locale);
  const grouped = groupThousands(int.replace(/^0+(?=\d)/, ''), group);
  const fraction = frac.padEnd(minFraction, '0');
  return `${sign}${grouped}${fraction ? decimal + fraction : ''}`;
}

/** '1234567' → '1,234,567': threes from the right, by slicing (the usual lookahead pattern rescans every digit run). */
function groupThousands(digits: string, separator: string): string {
  const groups = [digits.slice(0, digits.length % 3 || 3)];
  for (let i = groups[0]!.length; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.join(separator);
}

/** Translated label of a unit code ("box" → "caja"); unknown codes are shown as they are. */
export function unitLabel(locale: Locale, code: string): string {
  const key = `unit.${code}`;
  return isMessageKey(key) ? t(locale, key) : code;
}

/** One formatter per (locale, currency): building one costs about a millisecond, a list page formats 50 prices. */
const MONEY = new Map<string, Intl.NumberFormat>();
const MONEY_CACHE_LIMIT = 1_000;

function moneyFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const cacheKey = `${locale}:${currency}`;
  let found = MONEY.get(cacheKey);
  if (found === undefined) {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    found = new Intl.NumberFormat(INTL_TAG[locale], {
      style: 'currency',
      currency,
      // Spanish leaves 4-digit amounts ungrouped by default ("1234,50 €"); owners type and expect "1.234,50 €".
      useGrouping: 'always',
      minimumFractionDigits: digits,
      // A stored amount never loses cents on screen, even in a currency without them (JPY "1234.50" → "¥1,234.5").
      maximumFractionDigits: Math.max(digits, 2),
    } as unknown as Intl.NumberFormatOptions);
    if (MONEY.size >= MONEY_CACHE_LIMIT) MONEY.clear();
    MONEY.set(cacheKey, found);
  }
  return found;
}

/**
 * An exact decimal string as money in the page's locale: formatMoney('es', '1234.5', 'EUR') →
 * "1.234,50 €", formatMoney('en', '1234.5', 'USD') → "$1,234.50". The string itself goes to
 * Intl (Node 20 formats decimal strings exactly), never a float. A value that is not a plain
 * decimal, or a currency Intl does not know, falls back to the digits with the code.
 */
export function formatMoney(locale: Locale, amount: string, currency: string): string {
  const value = amount.trim();
  if (value.length > 40 || !/^-?\d+(?:\.\d+)?$/.test(value)) return value;
  try {
    // Intl accepts decimal strings since ECMA-402 NumberFormat v3; its types still say number.
    return moneyFormat(locale, currency).format(value as unknown as number);
  } catch {
    return `${formatDecimal(locale, value)} ${currency}`;
  }
}

/**
 * "19.99 / kg" — the price per unit as the list and detail pages show it; with the shop's
 * currency, "$19.99 / kg" (en) or "19,99 € / kg" (es).
 */
export function formatPrice(locale: Locale, salePrice: string, unitCode: string, currency?: string): string {
  const amount = currency === undefined ? formatDecimal(locale, salePrice) : formatMoney(locale, salePrice, currency);
  return `${amount} / ${unitLabel(locale, unitCode)}`;
}

/**
 * A byte count as the upload messages show it: 2097152 → "2.0 MB" (binary megabytes with one
 * decimal, as the first app printed its limit). English keeps "." so the contract's
 * "File too large. Maximum 2.0 MB" holds whatever the server locale.
 */
export function formatBytes(bytes: number, locale: Locale = 'en'): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MB'] : bytes >= 1024 ? [bytes / 1024, 'KB'] : [bytes, 'B'];
  const text = unit === 'B' ? String(value) : value.toFixed(1);
  return `${locale === 'es' ? text.replace('.', ',') : text} ${unit}`;
}

/** How the price field of a page reads and shows amounts: the page's marks, the currency's decimals. */
export function priceFormatFor(locale: Locale, currency: string): PriceFormat {
  return { locale, fractionDigits: Math.min(isCurrencyCode(currency) ? currencyFractionDigits(currency) : 2, 2) };
}

/**
 * What the price field says when it cannot read the price: in English with a 2-decimal
 * currency the first app's contract text ("Enter a price like 19.99"), otherwise the locale's
 * own example ("Escribe un precio como 1.234,50 (como mucho 2 decimales)").
 */
export function priceProblem(locale: Locale, currency: string): Msg {
  const format = priceFormatFor(locale, currency);
  const example = priceExample(format);
  if (format.fractionDigits === 0) return msg('prices.invalid_whole', { example, currency });
  if (locale === 'en' && format.fractionDigits === 2) return msg('error.price_invalid');
  return msg('prices.invalid', { example, digits: format.fractionDigits });
}

/** The hint under the price field: "For example 1,234.50 (US Dollar)", "Por ejemplo 1.234,50 (euro)". */
export function priceHint(locale: Locale, currency: string | undefined): string {
  if (currency === undefined) return t(locale, 'form.sale_price_hint');
  const format = priceFormatFor(locale, currency);
  return t(locale, 'prices.hint', { example: priceExample(format), currency: currencyName(locale, currency) });
}
