/**
 * Locale-aware formatting for what the pages show: prices (exact decimals, never through a
 * float), byte sizes for upload limits, and unit-of-measure labels.
 */
import { isMessageKey, t, type Locale } from './translate.js';

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

/** "19.99 / kg" — the price per unit as the list and detail pages show it. */
export function formatPrice(locale: Locale, salePrice: string, unitCode: string): string {
  return `${formatDecimal(locale, salePrice)} / ${unitLabel(locale, unitCode)}`;
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
