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

/**
 * How people write an amount in a page's language: the group and decimal marks ("1,234.50" in
 * English, "1.234,50" in Spanish) and how many decimals the shop's currency has (JPY: none;
 * numeric(12,2) holds at most 2, so 3-decimal currencies are capped at 2).
 */
export interface PriceFormat {
  readonly locale: 'en' | 'es';
  readonly fractionDigits: number;
}

const MARKS = { en: { group: ',', decimal: '.' }, es: { group: '.', decimal: ',' } } as const;

/**
 * The longest text parseLocalePrice reads: 10 integer digits with 3 group marks, a decimal
 * mark and 2 decimals ('1.234.567.890,99', 16 characters), with room for a leading '0'.
 */
const MAX_LOCAL_PRICE_LENGTH = 20;

/**
 * A price typed in a page's language, to the canonical string ('1234.50'), or undefined when
 * it cannot be read without guessing. The locale's own style may group thousands; the other
 * style is read only where it is unambiguous:
 *
 * - en: '1,234.50', '1234.50', '12.50', and '12,50' / '12,5' (one mark followed by 1–2 digits is
 *   the decimal mark); '1.234,50' (two kinds of mark: the last is the decimal one);
 * - es: '1.234,50', '1234,50', '12,50', and '12.50'; '1,234.50'.
 *
 * A mark followed by three digits is grouping only in the locale's group style ('1.234' is
 * 1234 in Spanish and refused in English, where it would be a third decimal). Groups after the
 * first have exactly three digits. Decimals beyond the currency's are refused, never rounded.
 *
 * @example
 *   parseLocalePrice('1.234,50', { locale: 'es', fractionDigits: 2 }) // '1234.50'
 *   parseLocalePrice('12,50', { locale: 'en', fractionDigits: 2 })    // '12.50'
 *   parseLocalePrice('12.50', { locale: 'en', fractionDigits: 0 })    // undefined (JPY)
 */
export function parseLocalePrice(input: string, format: PriceFormat): string | undefined {
  if (input.length > MAX_LOCAL_PRICE_LENGTH + 40) return undefined;
  const text = input.trim();
  if (text.length === 0 || text.length > MAX_LOCAL_PRICE_LENGTH) return undefined;
  const { group, decimal } = MARKS[format.locale];
  // Split into runs of digits and the marks between them, one pass, no pattern.
  const runs: string[] = [''];
  const marks: string[] = [];
  for (const ch of text) {
    if (ch >= '0' && ch <= '9') runs[runs.length - 1] += ch;
    else if (ch === '.' || ch === ',') {
      marks.push(ch);
      runs.push('');
    } else return undefined;
  }
  let integerRuns = runs;
  let fraction = '';
  const last = marks.at(-1);
  if (last !== undefined) {
    const tail = runs.at(-1)!;
    const mixed = marks.some((m) => m !== last);
    // The last mark is the decimal one when it is the locale's, when the marks are mixed, or
    // when it is a lone other-style mark followed by 1–2 digits ('12,50' in English).
    const isDecimal = last === decimal || mixed || (marks.length === 1 && tail.length >= 1 && tail.length <= 2);
    if (isDecimal) {
      if (marks.slice(0, -1).some((m) => m === last)) return undefined;
      if (tail.length === 0 || tail.length > 2) return undefined;
      fraction = tail;
      integerRuns = runs.slice(0, -1);
      // Grouping before the decimal mark must be in the other mark ('1.234,50' or '1,234.50').
      if (!validGroups(integerRuns, integerRuns.length === 1)) return undefined;
    } else {
      // Only the locale's group mark groups ('1.234' in Spanish; in English it is refused).
      if (last !== group || !validGroups(runs, false)) return undefined;
    }
  }
  const digits = integerRuns.join('').replace(/^0+(?=\d)/, '');
  const whole = digits === '' ? '0' : digits;
  if (whole.length > 10) return undefined;
  if (withoutTrailingZeros(fraction).length > Math.min(format.fractionDigits, 2)) return undefined;
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/**
 * Digit runs separated by group marks: the first has 1–3 digits (or none when `allowEmptyFirst`,
 * for '.50' or ',5'), every later one exactly 3.
 */
function validGroups(runs: readonly string[], allowEmptyFirst: boolean): boolean {
  const [first = '', ...rest] = runs;
  if (rest.length === 0) return first.length > 0 || allowEmptyFirst;
  return first.length >= 1 && first.length <= 3 && rest.every((r) => r.length === 3);
}

/** '500' → '5', '000' → '': by index, no pattern to backtrack. */
function withoutTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 0 && digits[end - 1] === '0') end--;
  return digits.slice(0, end);
}

/**
 * A stored price as an edit form shows it: '1234.50' → '1,234.50' (en) or '1.234,50' (es); a
 * currency without decimals drops '.00' ('1234.00' → '1,234'). Anything that is not a plain
 * decimal is returned as it is.
 */
export function formatPriceInput(stored: string, format: PriceFormat): string {
  if (stored.length > 40) return stored;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(stored.trim());
  if (!match) return stored;
  const { group, decimal } = MARKS[format.locale];
  const int = match[1]!.replace(/^0+(?=\d)/, '');
  const groups = [int.slice(0, int.length % 3 || 3)];
  for (let i = groups[0]!.length; i < int.length; i += 3) groups.push(int.slice(i, i + 3));
  const digits = Math.min(format.fractionDigits, 2);
  let fraction = (match[2] ?? '').padEnd(digits, '0');
  // Keep cents the currency does not have rather than hide them (a JPY shop's old '12.50').
  if (fraction.length > digits) fraction = withoutTrailingZeros(fraction).padEnd(digits, '0');
  return `${groups.join(group)}${fraction ? decimal + fraction : ''}`;
}

/** The example a hint or an error shows: '1,234.50' / '1.234,50', or '1,234' / '1.234' without decimals. */
export function priceExample(format: PriceFormat): string {
  return formatPriceInput(format.fractionDigits === 0 ? '1234' : '1234.50', format);
}
