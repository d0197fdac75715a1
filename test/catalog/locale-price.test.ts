import { describe, expect, it } from 'vitest';
import { formatPriceInput, parseLocalePrice, priceExample, type PriceFormat } from '../../src/catalog/price.js';
import { currencyFractionDigits, currencyOptions, isCurrencyCode, suggestedCurrency } from '../../src/catalog/currency.js';

const en: PriceFormat = { locale: 'en', fractionDigits: 2 };
const es: PriceFormat = { locale: 'es', fractionDigits: 2 };
const enJpy: PriceFormat = { locale: 'en', fractionDigits: 0 };
const esJpy: PriceFormat = { locale: 'es', fractionDigits: 0 };

describe('parseLocalePrice', () => {
  it.each([
    ['1,234.50', '1234.50'],
    ['1234.50', '1234.50'],
    ['12.50', '12.50'],
    ['12.5', '12.50'],
    ['7', '7.00'],
    [' 19.99 ', '19.99'],
    ['1,234', '1234.00'],
    ['1,234,567.89', '1234567.89'],
    ['9,999,999,999.99', '9999999999.99'],
    // The other style, where one reading is possible.
    ['12,50', '12.50'],
    ['12,5', '12.50'],
    ['1.234,50', '1234.50'],
    ['.5', '0.50'],
    ['0001', '1.00'],
  ])('English reads %j as %s', (input, expected) => {
    expect(parseLocalePrice(input, en)).toBe(expected);
  });

  it.each([
    ['1.234,50', '1234.50'],
    ['1234,50', '1234.50'],
    ['12,50', '12.50'],
    ['12,5', '12.50'],
    ['1.234', '1234.00'],
    ['1.234.567', '1234567.00'],
    ['1.234.567,89', '1234567.89'],
    ['12.50', '12.50'],
    ['12.5', '12.50'],
    ['1,234.50', '1234.50'],
    ['0,99', '0.99'],
  ])('Spanish reads %j as %s', (input, expected) => {
    expect(parseLocalePrice(input, es)).toBe(expected);
  });

  it.each([
    // A mark followed by three digits groups only in the locale's own group style.
    ['1.234', en],
    ['1,234', es],
    ['12,345', es],
    ['1.234.567', en],
    ['1,234,567', es],
    // Too many decimals, never rounded.
    ['19.999', en],
    ['19,999', es],
    // Groups must be 1–3 digits then threes.
    ['1,2.50', en],
    ['12,34,567', en],
    ['1234,567.5', en],
    ['1,,234', en],
    ['1.2345', es],
    // Marks with nothing after them, mixed in the wrong order, or repeated decimals.
    ['12.', en],
    ['12,', es],
    [',', en],
    ['.', es],
    ['1.2.3', en],
    ['1,234.50.1', en],
    ['1.234,50,1', es],
    // Not a plain amount.
    ['', en],
    ['   ', es],
    ['-1', en],
    ['+1', en],
    ['1e3', en],
    ['abc', en],
    ['12 50', es],
    ['$12', en],
    ['12€', es],
    ['١٢', en],
    ['Infinity', en],
    ['0x10', en],
    // numeric(12,2): at most 10 digits before the mark.
    ['12345678901', en],
    ['12.345.678.901', es],
  ])('refuses %j', (input, format) => {
    expect(parseLocalePrice(input, format)).toBeUndefined();
  });

  it('respects a currency without decimals (JPY)', () => {
    expect(parseLocalePrice('1,234', enJpy)).toBe('1234.00');
    expect(parseLocalePrice('1.234', esJpy)).toBe('1234.00');
    expect(parseLocalePrice('1234', esJpy)).toBe('1234.00');
    expect(parseLocalePrice('12.00', enJpy)).toBe('12.00');
    expect(parseLocalePrice('12.50', enJpy)).toBeUndefined();
    expect(parseLocalePrice('12,5', esJpy)).toBeUndefined();
  });

  // How long these take, beside a benign input of the same length, is in bench/parsers.bench.ts.
  it('refuses 10 000-character and odd input', () => {
    const inputs = [
      '1'.repeat(10_000),
      '1,'.repeat(5_000),
      '.'.repeat(10_000),
      `${'9'.repeat(9_998)}.5`,
      ' '.repeat(10_000) + '1',
      '\u0000'.repeat(10_000),
    ];
    for (const input of inputs) for (const format of [en, es, enJpy]) expect(parseLocalePrice(input, format)).toBeUndefined();
  });
});

describe('formatPriceInput', () => {
  it('shows a stored price as the locale writes it', () => {
    expect(formatPriceInput('1234.50', es)).toBe('1.234,50');
    expect(formatPriceInput('1234.50', en)).toBe('1,234.50');
    expect(formatPriceInput('0.50', es)).toBe('0,50');
    expect(formatPriceInput('9999999999.99', en)).toBe('9,999,999,999.99');
    expect(formatPriceInput('1234.00', enJpy)).toBe('1,234');
    // Cents a JPY shop still has from before are kept, not hidden.
    expect(formatPriceInput('1234.50', enJpy)).toBe('1,234.5');
    expect(formatPriceInput('abc', en)).toBe('abc');
  });

  it('round-trips through the parser', () => {
    for (const stored of ['0.00', '0.05', '7.00', '19.99', '999.00', '1000.00', '1234.50', '1234567.89', '9999999999.99'])
      for (const format of [en, es]) expect(parseLocalePrice(formatPriceInput(stored, format), format)).toBe(stored);
  });

  it('gives examples for hints and messages', () => {
    expect(priceExample(en)).toBe('1,234.50');
    expect(priceExample(es)).toBe('1.234,50');
    expect(priceExample(enJpy)).toBe('1,234');
    expect(priceExample(esJpy)).toBe('1.234');
  });
});

describe('currencies', () => {
  it('knows ISO 4217 codes and their minor units', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('ZZZ')).toBe(false);
    expect(isCurrencyCode('EURO')).toBe(false);
    expect(currencyFractionDigits('JPY')).toBe(0);
    expect(currencyFractionDigits('EUR')).toBe(2);
  });

  it('suggests the page language’s usual currency', () => {
    expect(suggestedCurrency('en')).toBe('USD');
    expect(suggestedCurrency('es')).toBe('EUR');
  });

  it('lists the common currencies first, labelled in the page language, then every other one', () => {
    const es = currencyOptions('es');
    expect(es.common.slice(0, 3).map((c) => c.code)).toEqual(['EUR', 'USD', 'GBP']);
    expect(es.common[0]!.label).toBe('euro (EUR)');
    expect(currencyOptions('en').common[1]!.label).toBe('US Dollar (USD)');
    const all = [...es.common, ...es.others].map((c) => c.code);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain('JPY');
    for (const code of all) expect(isCurrencyCode(code)).toBe(true);
  });
});
