/** The product list's query (http/list-query.ts) and the CSV cell (http/export/csv-cell.ts): pure functions. */
import { describe, expect, it } from 'vitest';
import { csvCell, csvRecord } from '../../src/http/export/csv-cell.js';
import { backHref, DEFAULT_LIST_QUERY, listHref, parseBackUrl, parseListQuery, withBack } from '../../src/http/list-query.js';

describe('parseListQuery', () => {
  it('reads known values and falls back to the defaults for anything else', () => {
    expect(parseListQuery({ q: ' bolt ', sort: 'price', dir: 'desc', per: '24', page: '3', stock: 'low' })).toEqual({
      q: 'bolt',
      sort: 'price',
      dir: 'desc',
      per: 24,
      page: 3,
      lowStock: true,
      badSearch: false,
    });
    const odd = parseListQuery({ sort: 'password', dir: 'sideways', per: '1000', page: '-1', stock: 'high' });
    expect(odd).toEqual({ ...DEFAULT_LIST_QUERY, badSearch: false });
    expect(parseListQuery({ sort: 'name' }).dir).toBe('asc');
    expect(parseListQuery({ sort: 'updated' }).dir).toBe('desc');
    expect(parseListQuery({ page: '9999999' }).page).toBe(1);
    expect(parseListQuery({ q: ['a', 'b'] }).q).toBe('a');
    expect(parseListQuery({ q: 'x'.repeat(5000) }).q).toHaveLength(200);
    expect(parseListQuery({ q: 'a\u0000b' }).badSearch).toBe(true);
  });
});

describe('listHref', () => {
  it('leaves the defaults out and keeps the rest', () => {
    expect(listHref(DEFAULT_LIST_QUERY)).toBe('/products');
    const query = { ...DEFAULT_LIST_QUERY, q: 'café & co', sort: 'price', dir: 'desc', per: 96, lowStock: true, page: 2 } as const;
    expect(listHref(query)).toBe('/products?q=caf%C3%A9+%26+co&sort=price&dir=desc&per=96&stock=low&page=2');
    expect(listHref(query, { page: 1, view: 'table' })).toBe(
      '/products?q=caf%C3%A9+%26+co&sort=price&dir=desc&per=96&stock=low&view=table',
    );
  });
});

describe('parseBackUrl', () => {
  it('accepts only the product list with known parameters, written again canonically', () => {
    expect(backHref('/products?page=2&q=bolt&sort=name')).toBe('/products?q=bolt&sort=name&page=2');
    expect(backHref('/products')).toBe('/products');
    expect(backHref('/products?view=table&sort=sku&dir=desc')).toBe('/products?sort=sku&dir=desc');
  });

  it.each([
    'https://evil.example',
    'https://evil.example/products?q=a',
    '//evil.example/products',
    '/\\evil.example',
    '/products/../login',
    '/productsX?q=1',
    '/products?q=a&next=https://evil.example',
    '/products?q=a%00b',
    `/products?q=${'a'.repeat(900)}`,
    'javascript:alert(1)',
    '',
  ])('refuses %s', (value) => {
    expect(parseBackUrl(value)).toBeUndefined();
  });

  it('refuses what is not one string', () => {
    expect(parseBackUrl(undefined)).toBeUndefined();
    expect(parseBackUrl(42)).toBeUndefined();
    expect(parseBackUrl({ toString: () => '/products' })).toBeUndefined();
  });

  it('withBack adds the list only when there is one to return to', () => {
    expect(withBack('/products/7', undefined)).toBe('/products/7');
    expect(withBack('/products/7', '/products')).toBe('/products/7');
    expect(withBack('/products/7', '/products?q=a&page=2')).toBe('/products/7?back=%2Fproducts%3Fq%3Da%26page%3D2');
  });
});

describe('csvCell', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvCell('Hammer')).toBe('Hammer');
    expect(csvCell('Say "hi", Bob')).toBe('"Say ""hi"", Bob"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('')).toBe('');
    expect(csvRecord(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  it.each(['=SUM(A1:A9)', '+1', '-2', '@cmd', '\t=1', '\r=1'])('neutralises a formula start: %j', (value) => {
    expect(csvCell(value).replace(/^"/, '').startsWith("'")).toBe(true);
  });

  it('leaves a formula character inside a cell alone', () => {
    expect(csvCell('A=B')).toBe('A=B');
    expect(csvCell('12.50')).toBe('12.50');
  });
});

describe('parseLegacyCsv with CRLF records (what the export and Excel write)', () => {
  it('numbers the lines as with LF, blank lines and quoted line breaks included', async () => {
    const { parseLegacyCsv } = await import('../../src/catalog/legacy-import/legacy-csv.js');
    for (const eol of ['\n', '\r\n']) {
      const text = `name,sku,sale_price${eol}${eol}a,A,1${eol}"b${eol}x",B,2${eol}c,C,3${eol}`;
      expect(parseLegacyCsv(text).rows.map((r) => r.line)).toEqual([3, 4, 6]);
    }
  });
});
