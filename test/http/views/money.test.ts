import { describe, expect, it } from 'vitest';
import { formatMoney, formatPrice, priceHint, priceProblem, resolveMsg } from '../../../src/http/i18n/index.js';

/** Intl puts a no-break space between the amount and the symbol in Spanish. */
const nbsp = (s: string) => s.replace(/ /g, '\u00a0');

describe('formatMoney', () => {
  it('formats the exact decimal string in the page’s locale and the shop’s currency', () => {
    expect(formatMoney('es', '1234.50', 'EUR')).toBe(nbsp('1.234,50 €'));
    expect(formatMoney('en', '1234.50', 'USD')).toBe('$1,234.50');
    expect(formatMoney('en', '1234.50', 'EUR')).toBe('€1,234.50');
    expect(formatMoney('es', '19.9', 'USD')).toBe(nbsp('19,90 US$'));
    expect(formatMoney('en', '7', 'GBP')).toBe('£7.00');
    expect(formatMoney('en', '1234.00', 'JPY')).toBe('¥1,234');
    expect(formatMoney('es', '1234.00', 'JPY')).toBe(nbsp('1.234 JPY'));
  });

  it('never goes through a float', () => {
    // 9999999999999999.99 is 10000000000000000 as a double.
    expect(formatMoney('en', '9999999999999999.99', 'USD')).toBe('$9,999,999,999,999,999.99');
    expect(formatMoney('en', '0.10', 'USD')).toBe('$0.10');
  });

  it('keeps cents a currency without decimals still has, and leaves non-decimals alone', () => {
    expect(formatMoney('en', '1234.50', 'JPY')).toBe('¥1,234.5');
    expect(formatMoney('en', 'abc', 'USD')).toBe('abc');
    expect(formatMoney('en', '1'.repeat(10_000), 'USD')).toHaveLength(10_000);
  });

  it('shows the unit after the price', () => {
    expect(formatPrice('es', '3.5', 'box', 'EUR')).toBe('3,50\u00a0€ / caja');
    expect(formatPrice('en', '19.99', 'kg', 'USD')).toBe('$19.99 / kg');
    expect(formatPrice('en', '19.99', 'kg')).toBe('19.99 / kg');
  });
});

describe('price messages', () => {
  it('keeps the first app’s English text and says what Spanish expects', () => {
    expect(resolveMsg('en', priceProblem('en', 'USD'))).toBe('Enter a price like 19.99');
    expect(resolveMsg('es', priceProblem('es', 'EUR'))).toBe('Escribe un precio como 1.234,50 (como mucho 2 decimales)');
    expect(resolveMsg('en', priceProblem('en', 'JPY'))).toBe('Enter a whole price like 1,234 (JPY has no decimals)');
    expect(resolveMsg('es', priceProblem('es', 'JPY'))).toBe('Escribe un precio sin decimales, como 1.234 (JPY no lleva decimales)');
  });

  it('hints the locale’s format and the currency', () => {
    expect(priceHint('en', 'USD')).toBe('For example 1,234.50 (US Dollar)');
    expect(priceHint('es', 'EUR')).toBe('Por ejemplo 1.234,50 (euro)');
  });
});
