/**
 * Review of issue 15's catalog and navigation side, attacked as a hostile user would: each
 * test names the defect it proves fixed, or the attack it proves refused.
 */
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductView } from '../../src/catalog/products.repository.js';
import { PAGE_ROWS, productsCsv, type ProductsCsvDeps } from '../../src/http/export/products-csv.js';
import { withoutLang } from '../../src/http/request-state.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { productFields, productIdFrom, WebClient } from '../support/web-client.js';
import { apiTenant, type ApiTenant } from './api-client.js';

const fields = productFields;

/** Lets every ready promise and stream callback run (no timer: nothing here waits on time). */
async function settle(rounds = 100): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the CSV export stream (a guard: it holds today)', () => {
  it('reads at most a page or two ahead of a client that does not read: memory does not grow with the catalog', async () => {
    let pages = 0;
    const row = (id: number) =>
      ({
        id,
        name: `P${id}`,
        sku: `S${id}`,
        unit_code: 'unit',
        sale_price: '1.00',
        description: '',
        stock_quantity: null,
        image: null,
      }) as unknown as ProductView;
    const deps: ProductsCsvDeps = {
      catalog: {
        exportProducts: async (_tenantId, options) => {
          pages++;
          const from = (options.afterId ?? 0) + 1;
          return Array.from({ length: PAGE_ROWS }, (_, i) => row(from + i));
        },
      },
      urls: { variantUrls: async () => [] },
    };
    // As the routes make it (routes/products-csv.ts, api-products-csv.ts).
    const stream = Readable.from(productsCsv(deps, 1, {}));
    // A client that never acknowledges what it was sent (a slow or stalled download).
    const stalled = new Writable({ highWaterMark: 1, write: () => undefined });
    stream.pipe(stalled);
    await settle();
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThanOrEqual(3);
    stream.destroy();
  });
});

describe('the language redirect', () => {
  it('never leads off the site, whatever the path', () => {
    for (const url of [
      '//evil.example?lang=es',
      '/\\evil.example?lang=es',
      '/%2F%2Fevil.example?lang=es',
      '/%5Cevil.example?lang=es',
      '/%0d%0aX:1?lang=es',
    ]) {
      expect(withoutLang('GET', url)).toBeUndefined();
    }
    expect(withoutLang('GET', '/products?q=a&lang=es')).toBe('/products?q=a');
    expect(withoutLang('POST', '/products?lang=es')).toBeUndefined();
  });

  it('takes ?lang= off a long search too (200 accented letters are 1,200 characters escaped)', () => {
    const q = encodeURIComponent('ñ'.repeat(200));
    expect(withoutLang('GET', `/products?q=${q}&sort=name&lang=es`)).toBe(`/products?q=${q}&sort=name`);
    expect(withoutLang('GET', `//evil.example/products?q=${q}&lang=es`)).toBeUndefined();
  });
});

describe.each(STACKS)('catalog review on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let api: ApiTenant;

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Review Co', `review-${stack}@example.test`);
    api = await apiTenant(t, 'Review API Co');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function create(over: Record<string, string> = {}): Promise<number> {
    await web.get('/products/new');
    const res = await web.postMultipart('/products/new', { ...fields(over), _csrf: web.csrf() });
    return productIdFrom(res);
  }

  async function trash(id: number): Promise<void> {
    await web.get(`/products/${id}`);
    expect((await web.postForm(`/products/${id}/delete`, { _csrf: web.csrf() })).statusCode).toBe(302);
  }

  it('a SKU held by a trashed product in another case ("abc" vs "ABC") says it is in the trash, as the index compares', async () => {
    const id = await create({ sku: 'Case-Sku-1' });
    await trash(id);
    await web.get('/products/new');
    const res = await web.postMultipart('/products/new', { ...fields({ sku: 'case-sku-1' }), _csrf: web.csrf() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('A product in the trash has this SKU.');
    expect(res.body).toContain(`href="/products/trash#trashed-${id}"`);
    // The API says so too.
    const apiCreated = await api.request('POST', '/api/v1/products', {
      json: { sku: 'Api-Case-1', name: 'A', uom_id: 1, sale_price: '1.00' },
    });
    expect(apiCreated.statusCode).toBe(201);
    expect((await api.request('DELETE', `/api/v1/products/${apiCreated.json().id}`)).statusCode).toBe(200);
    const again = await api.request('POST', '/api/v1/products', { json: { sku: 'API-CASE-1', name: 'B', uom_id: 1, sale_price: '1.00' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('in the trash');
  });

  it('a trash page past the last goes to the last page instead of an empty table', async () => {
    const res = await web.get('/products/trash?page=99');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/products/trash');
  });

  it('request bodies are not decompressed: Content-Encoding on a POST is not a way round the body checks', async () => {
    const body = gzipSync(JSON.stringify({ sku: 'GZ-1', name: 'Gzipped', uom_id: 1, sale_price: '1.00' }));
    const res = await api.request('POST', '/api/v1/products', {
      payload: body,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(400);
    const list = await api.request('GET', '/api/v1/products?q=GZ-1');
    expect(list.json().total).toBe(0);
  });
});
