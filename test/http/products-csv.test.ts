/**
 * The catalog as CSV (issue 15, "Export") on both stacks: from the list page (session) and
 * from the API (key), following the list's search and filter, with the columns `vitrina
 * import legacy` reads plus stock and image URLs that work; quotes escaped, formulas
 * neutralised, another shop's and trashed products absent — and read back by the importer
 * into another shop, images and all.
 */
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLegacy } from '../../src/catalog/legacy-import/import-legacy.js';
import { parseLegacyCsv } from '../../src/catalog/legacy-import/legacy-csv.js';
import type { LegacyImageSource } from '../../src/catalog/legacy-import/legacy-images.js';
import { createProduct } from '../../src/catalog/products.repository.js';
import { PAGE_ROWS } from '../../src/http/export/products-csv.js';
import { silentLogger } from '../../src/logger.js';
import { insertTenant } from '../../src/tenancy/tenants.repository.js';
import { makeImage } from '../media/media-fixtures.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { fetchUrl } from '../support/page-helpers.js';
import { productIdFrom, WebClient } from '../support/web-client.js';
import { apiTenant, type ApiTenant } from './api-client.js';

const TRICKY = [
  { sku: 'INJ-1', name: '=HYPERLINK("http://evil.example","click")', description: '' },
  { sku: 'INJ-2', name: '+1 cable', description: '-5 discount' },
  { sku: 'INJ-3', name: '@home lamp', description: '\t=1+1' },
  { sku: 'QUO-1', name: 'Comma, "quoted" name', description: 'line one\nline two' },
  { sku: 'ACC-1', name: 'Café ñandú', description: 'Ü' },
];

describe.each(STACKS)('the CSV export on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let tenantId: number;
  let api: ApiTenant;
  let withImage: number;

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Export Shop', `export-${stack}@acme.test`);
    tenantId = (await t.runtime.db.selectFrom('tenants').select('id').where('name', '=', 'Export Shop').executeTakeFirstOrThrow()).id;
    await web.get('/products/new');
    const res = await web.postMultipart(
      '/products/new',
      { name: 'Photo product', sku: 'IMG-1', uom_id: '2', sale_price: '19.90', description: 'has a photo', _csrf: web.csrf() },
      { name: 'photo.jpg', bytes: await makeImage('jpeg', 900, 600), type: 'image/jpeg' },
    );
    withImage = productIdFrom(res);
    await t.drain();
    for (const p of TRICKY) await createProduct(t.runtime.db, tenantId, { ...p, uomId: 1, salePrice: '3.50' });
    await t.runtime.db.updateTable('products').set({ stock_quantity: 2 }).where('sku', '=', 'ACC-1').execute();
    await t.runtime.db.updateTable('products').set({ stock_quantity: 40 }).where('sku', '=', 'QUO-1').execute();
    const trashed = await createProduct(t.runtime.db, tenantId, {
      sku: 'TRASH-1',
      name: 'In the trash',
      description: '',
      uomId: 1,
      salePrice: '1',
    });
    await t.runtime.db
      .updateTable('products')
      .set({ deleted_at: sql<Date>`now()` })
      .where('id', '=', trashed.id)
      .execute();
    api = await apiTenant(t, `Api Shop ${stack}`);
    await createProduct(t.runtime.db, api.tenantId, {
      sku: 'API-1',
      name: 'Secret of another shop',
      description: '',
      uomId: 1,
      salePrice: '9',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('downloads as an attachment: UTF-8 with a BOM, the importer columns, stock and image URLs', async () => {
    const res = await web.get('/products.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="vitrina-products-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body.startsWith('\uFEFFname,sku,uom,sale_price,image_path,description,stock_quantity,image_urls\r\n')).toBe(true);
    expect(res.body).not.toContain('Secret of another shop');
    expect(res.body).not.toContain('In the trash');
    const { rows } = parseLegacyCsv(res.body);
    expect(rows.map((r) => r.fields.sku)).toEqual(['IMG-1', 'INJ-1', 'INJ-2', 'INJ-3', 'QUO-1', 'ACC-1']);
    const photo = rows[0]!.fields;
    expect(photo).toMatchObject({ name: 'Photo product', uom: 'kg', sale_price: '19.90', description: 'has a photo' });
    // The image URLs are the delivery URLs of this stack, and they work.
    const image = await fetchUrl(t, photo.image_path!);
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toMatch(/^image\//);
    const asset = await t.runtime.db
      .selectFrom('assets')
      .innerJoin('products', 'products.image_asset_id', 'assets.id')
      .select('assets.variants')
      .where('products.id', '=', withImage)
      .executeTakeFirstOrThrow();
    const records = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const urls = records[0]!.image_urls!.split(' ');
    expect(urls).toContain(photo.image_path);
    expect(urls).toHaveLength(asset.variants.length);
    for (const url of urls) expect((await fetchUrl(t, url)).status).toBe(200);
  });

  it('escapes quotes and line breaks, and neutralises cells a spreadsheet would run as formulas', async () => {
    const body = (await web.get('/products.csv')).body;
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(body).toContain("'+1 cable,INJ-2,unit,3.50,");
    expect(body).toContain(",'-5 discount,");
    expect(body).toContain("'@home lamp");
    expect(body).toContain(",'\t=1+1,");
    expect(body).toContain('"Comma, ""quoted"" name",QUO-1');
    expect(body).toContain('"line one\nline two",40,');
    expect(body).toContain('Café ñandú,ACC-1,unit,3.50,,Ü,2,\r\n');
    // No cell starts with a formula character.
    const { rows } = parseLegacyCsv(body);
    for (const r of rows) for (const v of Object.values(r.fields)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('follows the list search and the low-stock filter', async () => {
    const search = parseLegacyCsv((await web.get('/products.csv?q=inj')).body).rows.map((r) => r.fields.sku);
    expect(search).toEqual(['INJ-1', 'INJ-2', 'INJ-3']);
    const low = parseLegacyCsv((await web.get('/products.csv?stock=low')).body).rows.map((r) => r.fields.sku);
    expect(low).toEqual(['ACC-1']);
    expect((await web.get('/products.csv?q=a%00b')).statusCode).toBe(400);
  });

  it('needs a session on the page route and an API key on the API', async () => {
    const stranger = new WebClient(t.app);
    const page = await stranger.get('/products.csv');
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/login?next=%2Fproducts.csv');
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/products.csv' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/products.csv', headers: { authorization: 'Bearer vk_nope' } });
    expect(bad.statusCode).toBe(401);
    const ok = await api.request('GET', '/api/v1/products.csv');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(ok.body).toContain('Secret of another shop');
    expect(ok.body).not.toContain('Photo product');
    const invalid = await api.request('GET', '/api/v1/products.csv?stock=high');
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body).error.fields.stock).toBeDefined();
  });

  it('the OpenAPI document describes the CSV export', async () => {
    const doc = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).body);
    expect(doc.paths['/api/v1/products.csv'].get.operationId).toBe('exportProductsCsv');
  });

  it('what is exported, `import legacy` reads back into another shop, images included', async () => {
    const csv = (await web.get('/products.csv')).body;
    const { rows } = parseLegacyCsv(csv);
    const target = (await insertTenant(t.runtime.db, { name: `Copy ${stack}`, slug: `copy-${stack.replace(/\W/g, '')}` })).id;
    // The importer's own source refuses loopback URLs (this app's); this one GETs them as a browser would.
    const images: LegacyImageSource = {
      async read(url) {
        const got = await fetchUrl(t, url);
        if (got.status !== 200) throw new Error(`GET ${url}: ${got.status}`);
        return { bytes: got.bytes, fileName: 'exported.webp' };
      },
      async close() {},
    };
    const report = await importLegacy(
      {
        catalog: t.runtime.catalog,
        processing: { db: t.runtime.db, logger: silentLogger, media: t.config.media, stores: t.runtime.stores },
        media: t.config.media,
      },
      { tenantId: target, rows, source: 'export.csv', images },
    );
    expect(report.refused).toEqual([]);
    expect(report.outcomes.filter((o) => o.kind !== 'imported')).toEqual([]);
    expect(report.imported).toBe(rows.length);
    const copy = await t.runtime.db
      .selectFrom('products')
      .innerJoin('units', 'units.id', 'products.uom_id')
      .select([
        'products.sku',
        'products.name',
        'products.description',
        'products.sale_price',
        'products.stock_quantity',
        'units.code',
        'products.image_asset_id',
      ])
      .where('products.tenant_id', '=', target)
      .orderBy('products.sku')
      .execute();
    const original = await t.runtime.db
      .selectFrom('products')
      .innerJoin('units', 'units.id', 'products.uom_id')
      .select(['products.sku', 'products.name', 'products.description', 'products.sale_price', 'products.stock_quantity', 'units.code'])
      .where('products.tenant_id', '=', tenantId)
      .where('products.deleted_at', 'is', null)
      .orderBy('products.sku')
      .execute();
    // Equal, stock included, but for the quote that neutralised a formula start.
    const unquote = (v: string) => v.replace(/^'(?=[=+\-@\t\r])/, '');
    expect(copy.map(({ image_asset_id, ...p }) => ({ ...p, name: unquote(p.name), description: unquote(p.description) }))).toEqual(
      original.map((p) => ({ ...p, name: p.name.replace(/\n/g, ' ') })),
    );
    expect(copy.find((p) => p.sku === 'IMG-1')!.image_asset_id).not.toBeNull();
  });

  it('streams in pages of rows (keyset): more than one page comes out whole and in order', async () => {
    const big = (await insertTenant(t.runtime.db, { name: `Big ${stack}`, slug: `big-${stack.replace(/\W/g, '')}` })).id;
    const n = PAGE_ROWS + 7;
    await t.runtime.db
      .insertInto('products')
      .values(
        Array.from({ length: n }, (_, i) => ({
          tenant_id: big,
          sku: `B-${String(i).padStart(4, '0')}`,
          name: `Bulk ${i}`,
          sale_price: '1.00',
        })),
      )
      .execute();
    const rows: string[] = [];
    const { productsCsv } = await import('../../src/http/export/products-csv.js');
    const { buildServices } = await import('../../src/http/build-services.js');
    const s = buildServices(t.runtime);
    const chunks: string[] = [];
    for await (const chunk of productsCsv(s, big, {})) chunks.push(chunk);
    expect(chunks).toHaveLength(3); // the header, a full page, the rest
    for (const r of parseLegacyCsv(chunks.join('')).rows) rows.push(r.fields.sku!);
    expect(rows).toEqual(Array.from({ length: n }, (_, i) => `B-${String(i).padStart(4, '0')}`));
  });
});
