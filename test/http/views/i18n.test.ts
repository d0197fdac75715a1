import { describe, expect, it } from 'vitest';
import { EN_PARTS } from '../../../src/http/i18n/messages.js';
import { en, es, formatBytes, formatDecimal, formatPrice, negotiateLocale, t } from '../../../src/http/i18n/index.js';

describe('t()', () => {
  it('has the contract texts in English, exactly', () => {
    expect(t('en', 'flash.product_created')).toBe('Product created');
    expect(t('en', 'flash.product_updated')).toBe('Product updated');
    expect(t('en', 'flash.product_deleted')).toBe('Product deleted');
    expect(t('en', 'flash.file_too_large', { size: formatBytes(2 * 1024 * 1024) })).toBe('File too large. Maximum 2.0 MB');
    expect(t('en', 'flash.file_type_not_allowed', { type: 'application/pdf' })).toBe('File type not allowed: application/pdf');
    expect(t('en', 'error.name_required')).toBe('Name is required');
    expect(t('en', 'error.sku_taken')).toBe('SKU already exists');
    expect(t('en', 'error.price_invalid')).toBe('Enter a price like 19.99');
  });

  it('has the Spanish texts', () => {
    expect(t('es', 'flash.product_created')).toBe('Producto creado');
    expect(t('es', 'flash.file_too_large', { size: '2.0 MB' })).toBe('Archivo demasiado grande. Máximo 2.0 MB');
    expect(t('es', 'flash.file_type_not_allowed', { type: 'application/pdf' })).toBe('Tipo de archivo no permitido: application/pdf');
  });

  it('translates every key into Spanish with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key], key).toBeTruthy();
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(es[key]), key).toEqual(names(en[key]));
    }
  });

  it('defines each key in one area only (a later area would silently replace an earlier text)', () => {
    const counted = EN_PARTS.reduce((sum, part) => sum + Object.keys(part).length, 0);
    expect(counted).toBe(Object.keys(en).length);
  });

  it('leaves unknown placeholders visible', () => {
    expect(t('en', 'flash.file_too_large')).toBe('File too large. Maximum {size}');
  });
});

describe('negotiateLocale()', () => {
  it.each([
    [undefined, undefined, undefined, 'en'],
    ['', undefined, undefined, 'en'],
    ['es-ES,es;q=0.9,en;q=0.8', undefined, undefined, 'es'],
    ['fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7', undefined, undefined, 'es'],
    ['en;q=0.5,es;q=0.8', undefined, undefined, 'es'],
    ['es;q=0,en', undefined, undefined, 'en'],
    ['de,fr', undefined, undefined, 'en'],
    ['ES-mx', undefined, undefined, 'es'],
    ['*', undefined, undefined, 'en'],
    ['es', 'en', undefined, 'en'],
    ['en', 'es', undefined, 'es'],
    ['en', 'en', 'es', 'es'],
    ['es', undefined, 'en', 'en'],
    ['es', 'xx', 'zz', 'es'],
    [null, null, null, 'en'],
  ] as const)('accept=%s cookie=%s query=%s → %s', (accept, cookie, query, expected) => {
    expect(negotiateLocale(accept, cookie, query)).toBe(expected);
  });
});

describe('formatting', () => {
  it('formats exact decimals per locale without floating point', () => {
    expect(formatDecimal('en', '19.99')).toBe('19.99');
    expect(formatDecimal('es', '19.99')).toBe('19,99');
    expect(formatDecimal('en', '1234567.5')).toBe('1,234,567.50');
    expect(formatDecimal('es', '1234567.5')).toBe('1.234.567,50');
    expect(formatDecimal('en', '9999999999999999.99')).toBe('9,999,999,999,999,999.99');
    expect(formatDecimal('en', '7')).toBe('7.00');
    expect(formatDecimal('en', 'abc')).toBe('abc');
  });

  it('formats the price with its unit', () => {
    expect(formatPrice('en', '19.99', 'kg')).toBe('19.99 / kg');
    expect(formatPrice('es', '3.5', 'box')).toBe('3,50 / caja');
    expect(formatPrice('en', '1', 'crate')).toBe('1.00 / crate');
  });

  it('formats byte limits like the first app', () => {
    expect(formatBytes(2097152)).toBe('2.0 MB');
    expect(formatBytes(512 * 1024)).toBe('512.0 KB');
    expect(formatBytes(2097152, 'es')).toBe('2,0 MB');
  });
});
