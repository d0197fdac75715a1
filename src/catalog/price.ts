/**
 * Prices are exact decimals: kept as strings from the form to the `numeric(12,2)` column and
 * back, never as binary floats, so '19.99' stays '19.99' and 0.1 + 0.2 never shows up.
 */

/** Up to 10 digits before the point and 2 after: what numeric(12,2) holds without rounding. */
const PRICE = /^(\d{1,10})(?:[.,](\d{1,2}))?$/;
/** The longest text PRICE can match ('1234567890.99'): anything longer is refused unread. */
const MAX_PRICE_LENGTH = 13;

/**
 * The canonical string ('19.9' → '19.90', '7' → '7.00', '1,5' → '1.50') or undefined when the
 * input is not a non-negative amount with at most 2 decimals. A number is accepted only if its
 * shortest representation qualifies (0.1 + 0.2 does not).
 */
export function normalizePrice(input: string | number): string | undefined {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input.trim();
  const match = text.length <= MAX_PRICE_LENGTH ? PRICE.exec(text) : null;
  if (!match) return undefined;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  return `${whole}.${(match[2] ?? '').padEnd(2, '0')}`;
}

export const PRICE_HINT = 'Enter a price such as 19.99 (no more than 2 decimals, not negative).';
