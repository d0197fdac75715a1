/**
 * The product list past a few dozen products (issue 15, item 5) on both stacks: sorting in the
 * database with a stable tiebreak, the count, 24/48/96 per page with the query kept in every
 * link, a page past the last, the low-stock filter, the trash left out, the remembered view,
 * and the `back` parameter that returns the detail page, the edit form and delete to the same
 * list (and never anywhere else).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../../src/catalog/products.repository.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { WebClient } from '../support/web-client.js';

interface Seeded {
  id: number;
  name: string;
  sku: string;
  price: number;
  updated: number;
  stock: number | null;
}

const COUNT = 30;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Names, SKUs, prices and update times in orders that differ from the id order and from each other; equal prices to test the tiebreak. */
function seedRow(i: number): Omit<Seeded, 'id'> {
  const code = (i * 7) % COUNT;
  return {
    name: `item ${LETTERS[code % 26]}${LETTERS[(code * 3) % 26]}`,
    sku: `SKU-${String((i * 11) % COUNT).padStart(3, '0')}`,
    price: (i % 9) + 1,
    updated: (i * 13) % COUNT,
    stock: i % 4 === 0 ? null : i % 10,
  };
}

const names = (body: string) =>
  [...body.matchAll(/<span class="product-name">([^<]*)<\/span>|<th scope="row"><a href="[^"]*">([^<]*)<\/a><\/th>/g)].map(
    (m) => m[1] ?? m[2],
  );

describe.each(STACKS)('the product list on %s', (stack) => {
  let t: TestApp;
  let web: WebClient;
  let seeded: Seeded[] = [];

  beforeAll(async () => {
    t = await startTestApp(stack);
    web = new WebClient(t.app);
    await web.signUp('Listing Shop', `list-${stack}@acme.test`);
    const tenantId = (await t.runtime.db.selectFrom('tenants').select('id').where('name', '=', 'Listing Shop').executeTakeFirstOrThrow())
      .id;
    const db = t.runtime.db;
    for (let i = 1; i <= COUNT; i++) {
      const row = seedRow(i);
      const p = await createProduct(db, tenantId, {
        sku: row.sku,
        name: row.name,
        description: '',
        uomId: 1,
        salePrice: row.price.toFixed(2),
      });
      await db
        .updateTable('products')
        .set({ stock_quantity: row.stock, updated_at: sql<Date>`now() - make_interval(hours => ${row.updated})` })
        .where('id', '=', p.id)
        .execute();
      seeded.push({ id: p.id, ...row });
    }
    // In the trash: never listed, never counted.
    const trashed = await createProduct(db, tenantId, {
      sku: 'TRASHED',
      name: 'item trashed',
      description: '',
      uomId: 1,
      salePrice: '1.00',
    });
    await db
      .updateTable('products')
      .set({ deleted_at: sql<Date>`now()`, stock_quantity: 0 })
      .where('id', '=', trashed.id)
      .execute();
    // Another shop's products are never in this list.
    const other = new WebClient(t.app);
    await other.signUp('Other Shop', `other-${stack}@acme.test`);
    const otherId = (await db.selectFrom('tenants').select('id').where('name', '=', 'Other Shop').executeTakeFirstOrThrow()).id;
    await createProduct(db, otherId, { sku: 'OTHER-1', name: 'item other', description: '', uomId: 1, salePrice: '2.00' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const byId = (dir: 'asc' | 'desc') => (a: Seeded, b: Seeded) => (dir === 'asc' ? a.id - b.id : b.id - a.id);
  function expected(sort: string, dir: 'asc' | 'desc'): string[] {
    const key: Record<string, (s: Seeded) => string | number> = {
      created: (s) => s.id,
      name: (s) => s.name,
      sku: (s) => s.sku.toLowerCase(),
      price: (s) => s.price,
      // Hours ago: more hours is older.
      updated: (s) => -s.updated,
    };
    const k = key[sort]!;
    return [...seeded]
      .sort((a, b) => {
        const [x, y] = [k(a), k(b)];
        if (x === y) return byId(dir)(a, b);
        return (x < y ? -1 : 1) * (dir === 'asc' ? 1 : -1);
      })
      .map((s) => s.name);
  }

  it('lists newest first by default, with the count, 48 per page', async () => {
    const res = await web.get('/products');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${COUNT} products`);
    expect(names(res.body)).toEqual(expected('created', 'desc'));
    expect(res.body).not.toContain('item trashed');
    expect(res.body).not.toContain('item other');
  });

  it.each([
    ['name', 'asc'],
    ['name', 'desc'],
    ['sku', 'asc'],
    ['sku', 'desc'],
    ['price', 'asc'],
    ['price', 'desc'],
    ['updated', 'asc'],
    ['updated', 'desc'],
    ['created', 'asc'],
  ] as const)('sorts by %s %s in the database, ties broken by id, across pages', async (sort, dir) => {
    const first = await web.get(`/products?sort=${sort}&dir=${dir}&per=24`);
    const second = await web.get(`/products?sort=${sort}&dir=${dir}&per=24&page=2`);
    expect([...names(first.body), ...names(second.body)]).toEqual(expected(sort, dir));
    expect(names(first.body)).toHaveLength(24);
  });

  it('an unknown sort or order is the default, newest first', async () => {
    const res = await web.get('/products?sort=password&dir=sideways&per=7');
    expect(res.statusCode).toBe(200);
    expect(names(res.body)).toEqual(expected('created', 'desc'));
  });

  it('keeps q, sort, dir, per and the filter in the pagination links', async () => {
    const res = await web.get('/products?q=item&sort=price&dir=desc&per=24');
    expect(res.body).toContain('Page 1 of 2');
    expect(res.body).toContain('rel="next" href="/products?q=item&amp;sort=price&amp;dir=desc&amp;per=24&amp;page=2"');
    const low = await web.get('/products?q=item&stock=low&sort=name&per=24');
    expect(low.body).toContain('name="stock" value="low" checked');
    // The search form carries the sort and page size; the options form carries the search and filter.
    expect(low.body).toContain('<input type="hidden" name="sort" value="name">');
    expect(low.body).toContain('<input type="hidden" name="q" value="item">');
    expect(low.body).toContain('href="/products.csv?q=item&amp;stock=low"');
  });

  it('says "1 product" and "N productos" in each language', async () => {
    const one = seeded[0]!;
    expect((await web.get(`/products?q=${one.sku}`)).body).toContain('>1 product<');
    const es = await web.get('/products', { 'accept-language': 'es' });
    expect(es.body).toContain(`>${COUNT} productos<`);
    expect((await web.get(`/products?q=${one.sku}`, { 'accept-language': 'es' })).body).toContain('>1 producto<');
  });

  it('a page past the last says so (404) and links to the last page, not "No products yet"', async () => {
    const res = await web.get('/products?page=99&per=24&sort=name');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('There is no such page');
    expect(res.body).toContain('Page 99 does not exist in this list.');
    expect(res.body).toContain('href="/products?sort=name&amp;per=24&amp;page=2"');
    expect(res.body).not.toContain('No products yet');
    const es = await web.get('/products?page=99', { 'accept-language': 'es' });
    expect(es.body).toContain('Esa página no existe');
    // A search with no match is the empty state, not a missing page.
    const none = await web.get('/products?q=zzzz');
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('No products match');
  });

  it('filters low stock (tracked and at most 5), with the search too', async () => {
    const low = seeded.filter((s) => s.stock !== null && s.stock <= 5);
    const res = await web.get('/products?stock=low&per=96');
    expect(names(res.body).sort()).toEqual(low.map((s) => s.name).sort());
    expect(res.body).toContain(`>${low.length} products<`);
    const one = low[0]!;
    const both = await web.get(`/products?stock=low&q=${one.sku}`);
    expect(names(both.body)).toEqual([one.name]);
    const untracked = seeded.find((s) => s.stock === null)!;
    expect(names((await web.get(`/products?stock=low&q=${untracked.sku}`)).body)).toEqual([]);
    expect((await web.get(`/products?stock=low&q=${untracked.sku}`)).body).toContain('No products match');
  });

  it('remembers the table view in a cookie, and the table has a caption, scoped headers and sort links', async () => {
    const client = new WebClient(t.app);
    client.cookies.set('vitrina_session', web.cookies.get('vitrina_session')!);
    const table = await client.get('/products?view=table&sort=price');
    expect(table.cookies.find((c) => c.name === 'products_view')?.value).toBe('table');
    expect(table.body).toContain('<table class="product-table">');
    expect(table.body).toContain('<caption id="products-caption">Products sorted by Price, ascending</caption>');
    expect(table.body).toContain('role="region" aria-labelledby="products-caption" tabindex="0"');
    expect(table.body).toMatch(/<th scope="col" aria-sort="ascending"><a href="\/products\?sort=price&amp;dir=desc">Price/);
    const again = await client.get('/products');
    expect(again.body).toContain('<table class="product-table">');
    const grid = await client.get('/products?view=grid');
    expect(grid.body).toContain('<ul class="product-grid">');
    expect((await client.get('/products')).body).not.toContain('<table');
  });

  it('back links keep the list query through the detail page, the edit form, save and delete', async () => {
    const list = '/products?q=item&sort=price&dir=desc&per=24&page=2';
    const page = await web.get(list);
    const target = seeded.find((s) => names(page.body).includes(s.name))!;
    const back = encodeURIComponent(list);
    expect(page.body).toContain(`href="/products/${target.id}?back=${back}"`);

    const detail = await web.get(`/products/${target.id}?back=${back}`);
    expect(detail.body).toContain(`<a href="${list.replaceAll('&', '&amp;')}">←`);
    expect(detail.body).toContain(`href="/products/${target.id}/edit?back=${back}"`);
    expect(detail.body).toContain(`<input type="hidden" name="back" value="${list.replaceAll('&', '&amp;')}">`);

    const edit = await web.get(`/products/${target.id}/edit?back=${back}`);
    expect(edit.body).toContain(`<input type="hidden" name="back" value="${list.replaceAll('&', '&amp;')}">`);
    const saved = await web.postMultipart(`/products/${target.id}/edit`, {
      name: target.name,
      sku: target.sku,
      uom_id: '1',
      sale_price: target.price.toFixed(2),
      description: 'changed',
      back: list,
      _csrf: web.csrf(),
    });
    expect([saved.statusCode, saved.headers.location]).toEqual([302, `/products/${target.id}?back=${back}`]);

    await web.get(`/products/${target.id}?back=${back}`);
    const deleted = await web.postForm(`/products/${target.id}/delete`, { _csrf: web.csrf(), back: list });
    expect([deleted.statusCode, deleted.headers.location]).toEqual([302, list]);
    seeded = seeded.filter((s) => s.id !== target.id);
  });

  it('deleting the only product of the last page returns to the new last page, not to "no such page"', async () => {
    // 25 products at 24 a page: page 2 holds one.
    while (seeded.length > 25) {
      const gone = seeded.pop()!;
      await t.runtime.db
        .updateTable('products')
        .set({ deleted_at: sql<Date>`now()` })
        .where('id', '=', gone.id)
        .execute();
    }
    expect(seeded).toHaveLength(25);
    const list = '/products?sort=name&per=24&page=2';
    const page = await web.get(list);
    const [only] = names(page.body);
    const target = seeded.find((s) => s.name === only)!;
    await web.get(`/products/${target.id}?back=${encodeURIComponent(list)}`);
    const deleted = await web.postForm(`/products/${target.id}/delete`, { _csrf: web.csrf(), back: list });
    expect([deleted.statusCode, deleted.headers.location]).toEqual([302, '/products?sort=name&per=24']);
    seeded = seeded.filter((s) => s.id !== target.id);
  });

  it.each(['https://evil.example', '//evil.example/products', '/products?next=https://evil.example', '/login'])(
    'ignores back=%s (no open redirect)',
    async (evil) => {
      const id = seeded[0]!.id;
      const detail = await web.get(`/products/${id}?back=${encodeURIComponent(evil)}`);
      expect(detail.statusCode).toBe(200);
      expect(detail.body).toContain('<a href="/products">←');
      expect(detail.body).toContain(`href="/products/${id}/edit"`);
      expect(detail.body).not.toContain('name="back"');
      const deleted = await web.postForm(`/products/${seeded.at(-1)!.id}/delete`, { _csrf: web.csrf(), back: evil });
      expect([deleted.statusCode, deleted.headers.location]).toEqual([302, '/products']);
      seeded = seeded.slice(0, -1);
    },
  );
});
