/**
 * Stock on hand as every way in reads it (catalog/product-input.ts): the form's text, the
 * API's JSON and the legacy CSV's optional `stock_quantity` column. Whole numbers 0…2^31−1;
 * empty, absent or null is "not tracked"; anything else is refused with a message for the field.
 */
import { describe, expect, it } from 'vitest';
import { parseLegacyCsv } from '../../src/catalog/legacy-import/legacy-csv.js';
import { checkLegacyRows } from '../../src/catalog/legacy-import/legacy-rows.js';
import { parseProductInput, parseStockQuantity } from '../../src/catalog/product-input.js';

const base = { name: 'Tea', sku: 'T-1', sale_price: '4.50' };

describe('parseStockQuantity', () => {
  it('keeps whole numbers 0…2147483647, from text or JSON', () => {
    for (const [raw, value] of [
      ['0', 0],
      [' 12 ', 12],
      ['007', 7],
      ['2147483647', 2147483647],
      [0, 0],
      [40, 40],
    ] as const)
      expect(parseStockQuantity(raw), String(raw)).toBe(value);
  });

  it('reads empty, absent and null as not tracked', () => {
    for (const raw of ['', '   ', undefined, null]) expect(parseStockQuantity(raw)).toBeNull();
  });

  it('refuses negatives, fractions, words and other types; too large is its own problem', () => {
    for (const raw of ['-3', '1.5', 'abc', '1e3', '0x10', '+4', '١٢', -3, 1.5, Number.NaN, true, {}, [], 'x'.repeat(10_000)])
      expect(parseStockQuantity(raw), JSON.stringify(raw)?.slice(0, 20)).toBe('invalid');
    for (const raw of ['2147483648', '1000000000000', '9'.repeat(30), 1e12, 2147483648])
      expect(parseStockQuantity(raw), String(raw).slice(0, 20)).toBe('too_large');
  });
});

describe('stock_quantity in parseProductInput', () => {
  it('is left out when not sent (an update keeps the stock) and null when sent empty', () => {
    const absent = parseProductInput(base);
    expect(absent.ok && absent.value.stockQuantity).toBeUndefined();
    const empty = parseProductInput({ ...base, stock_quantity: '' });
    expect(empty.ok && empty.value.stockQuantity).toBeNull();
    const patch = parseProductInput({ stock_quantity: null }, { partial: true });
    expect(patch).toEqual({ ok: true, value: { stockQuantity: null } });
  });

  it('says what is wrong on the field, with a code for the pages', () => {
    const bad = parseProductInput({ ...base, stock_quantity: '-3' });
    expect(bad).toMatchObject({ ok: false, codes: { stock_quantity: 'stock_invalid' } });
    expect(!bad.ok && bad.errors.stock_quantity).toMatch(/^Enter a whole number of 0 or more/);
    expect(parseProductInput({ ...base, stock_quantity: '1000000000000' })).toMatchObject({
      ok: false,
      codes: { stock_quantity: 'stock_too_large' },
    });
  });
});

describe('the legacy CSV stock_quantity column', () => {
  const units = [{ id: 1, code: 'unit', name: 'Unit' }];

  it('is optional: read when present (empty: not tracked), refused with the line when bad', () => {
    const { rows } = parseLegacyCsv('name,sku,sale_price,stock_quantity\nTea,T-1,4.50,12\nMate,M-1,3,\nBad,B-1,1,-3\n');
    const checked = checkLegacyRows(rows, units);
    expect(checked[0]).toMatchObject({ ok: true, input: { sku: 'T-1', stockQuantity: 12 } });
    expect(checked[1]).toMatchObject({ ok: true, input: { sku: 'M-1', stockQuantity: null } });
    expect(checked[2]).toMatchObject({ ok: false, line: 4, reason: expect.stringContaining('stock_quantity: Enter a whole number') });
    const old = checkLegacyRows(parseLegacyCsv('name,sku,sale_price\nTea,T-1,4.50\n').rows, units);
    expect(old[0]).toMatchObject({ ok: true });
    expect(old[0]!.ok && old[0]!.input.stockQuantity).toBeUndefined();
  });
});
