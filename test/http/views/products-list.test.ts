import { describe, expect, it } from 'vitest';
import { productsListPage } from '../../../src/http/views/products-list.js';
import { page, product, readyImage } from './fixtures.js';

const list = (over: Partial<Parameters<typeof productsListPage>[0]> = {}) =>
  productsListPage({ page: page(), q: '', products: [product()], pagination: { page: 1, pageCount: 1 }, ...over });

describe('productsListPage', () => {
  it('escapes a hostile product name everywhere it appears', () => {
    const doc = list({ products: [product({ name: '<script>alert(1)</script>', sku: '"><img src=x onerror=alert(2)>' })] });
    expect(doc).not.toContain('<script>alert(1)</script>');
    expect(doc).not.toContain('<img src=x');
    expect(doc).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The card's thumbnail sits beside the name in one link: alt="" (axe image-redundant-alt).
    expect(doc).not.toContain('alt="&lt;script&gt;');
  });

  it('renders a responsive, lazy thumbnail from the variants', () => {
    const doc = list();
    const img = /<img [^>]*class="thumb"[^>]*>/.exec(doc)?.[0] ?? '';
    expect(img).toContain(`src="${readyImage.status === 'ready' ? readyImage.src : ''}"`);
    expect(img).toContain(
      'srcset="https://cdn.example.com/t/1/img/a/160.webp 160w, https://cdn.example.com/t/1/img/a/480.webp?X-Amz-Signature=ab&amp;x=1 480w"',
    );
    expect(img).toMatch(/sizes="[^"]+"/);
    expect(img).toContain('width="160"');
    expect(img).toContain('height="120"');
    expect(img).toContain('alt=""');
    expect(img).toContain('loading="lazy"');
  });

  it.each([
    ['none', 'No image'],
    ['processing', 'Processing…'],
    ['broken', 'Image unavailable'],
  ] as const)('shows a placeholder for status %s', (status, text) => {
    const doc = list({ products: [product({ image: { status } })] });
    expect(doc).not.toMatch(/<img [^>]*class="thumb"/);
    expect(doc).toContain(`data-image-status="${status}"`);
    expect(doc).toContain(`aria-label="${text}"`);
    expect(doc).toContain(`<span>${text}</span>`);
  });

  it('shows name, SKU, price per unit and links to the product', () => {
    const doc = list();
    expect(doc).toContain('href="/products/42"');
    expect(doc).toContain('COF-1');
    expect(doc).toContain('19.99 / kg');
    expect(doc).toContain('href="/products/new"');
  });

  it('keeps q in the search box and in pagination links', () => {
    const doc = list({ q: 'café & co', pagination: { page: 2, pageCount: 3 } });
    expect(doc).toContain('value="café &amp; co"');
    expect(doc).toContain('href="/products?q=caf%C3%A9+%26+co"'); // page 1 omits page=
    expect(doc).toContain('href="/products?q=caf%C3%A9+%26+co&amp;page=3"');
    expect(doc).toContain('Page 2 of 3');
  });

  it('has an empty state, different when searching', () => {
    expect(list({ products: [] })).toContain('No products yet. Create your first one.');
    expect(list({ products: [], q: 'zzz' })).toContain('No products match “zzz”.');
  });

  it('renders in Spanish', () => {
    const doc = list({
      page: page({ locale: 'es' }),
      products: [product({ unit: 'box', salePrice: '1234.5', image: { status: 'none' } })],
    });
    expect(doc).toContain('<html lang="es">');
    expect(doc).toContain('Nuevo producto');
    expect(doc).toMatch(/1\.234,50\s€ \/ caja/); // the shop's currency (fixtures: EUR)
    expect(doc).toContain('Sin imagen');
    expect(doc).toContain('Cerrar sesión');
  });
});

describe('productsListPage: the table view and the list controls', () => {
  const query = { q: 'café', sort: 'price', dir: 'asc', per: 24, lowStock: false, page: 2 } as const;
  const table = (over: Partial<Parameters<typeof productsListPage>[0]> = {}) =>
    productsListPage({
      page: page(),
      q: 'café',
      products: [
        { ...product(), stock: 3, updatedAt: '2026-12-01T10:00:00.000Z' },
        { ...product({ id: '43', name: 'Tea', image: { status: 'none' } }), stock: null, updatedAt: '2026-11-30T10:00:00.000Z' },
      ],
      pagination: { page: 2, pageCount: 3, total: 50 },
      list: { query, view: 'table', lowStockThreshold: 5 },
      ...over,
    });

  it('is a real table: caption, scoped headers, the sorted column marked, a labelled scroll region', () => {
    const doc = table();
    expect(doc).toContain('<div class="table-scroll" role="region" aria-labelledby="products-caption" tabindex="0">');
    expect(doc).toContain('<caption id="products-caption">Products sorted by Price, ascending</caption>');
    expect(doc).toContain(
      '<th scope="col" aria-sort="ascending"><a href="/products?q=caf%C3%A9&amp;sort=price&amp;dir=desc&amp;per=24">Price',
    );
    expect(doc).toContain('<th scope="col"><a href="/products?q=caf%C3%A9&amp;sort=name&amp;per=24">Name</a></th>');
    expect(doc).toMatch(
      /<th scope="row"><a href="\/products\/42\?back=%2Fproducts%3Fq%3Dcaf%25C3%25A9%26sort%3Dprice%26per%3D24%26page%3D2">Coffee beans<\/a><\/th>/,
    );
    expect(doc).toContain('<time datetime="2026-12-01T10:00:00.000Z">Dec 1, 2026</time>');
    expect(doc).toContain('3 <span class="badge low-stock">Low</span>');
    expect(doc).toContain('Not tracked');
  });

  it('gives table thumbnails alt="" and sizes="48px"', () => {
    const img = /<img [^>]*class="table-thumb"[^>]*>/.exec(table())?.[0] ?? '';
    expect(img).toContain('alt=""');
    expect(img).toContain('sizes="48px"');
    expect(img).toContain('loading="lazy"');
  });

  it('shows the count with the plural of each language, and keeps the query in every link', () => {
    const doc = table();
    expect(doc).toContain('>50 products<');
    expect(doc).toContain('href="/products?q=caf%C3%A9&amp;sort=price&amp;per=24&amp;page=3"');
    expect(doc).toContain('href="/products?q=caf%C3%A9&amp;sort=price&amp;per=24&amp;page=2&amp;view=grid"');
    expect(doc).toContain('href="/products.csv?q=caf%C3%A9"');
    expect(table({ pagination: { page: 1, pageCount: 1, total: 1 } })).toContain('>1 product<');
    expect(table({ page: page({ locale: 'es' }), pagination: { page: 1, pageCount: 1, total: 1 } })).toContain('>1 producto<');
    expect(table({ page: page({ locale: 'es' }), pagination: { page: 1, pageCount: 1, total: 1234 } })).toContain('>1234 productos<');
  });

  it('says a page past the last does not exist and links to the last one', () => {
    const doc = table({
      products: [],
      pagination: { page: 99, pageCount: 3, total: 50 },
      list: { query: { ...query, page: 99 }, view: 'table', lowStockThreshold: 5, noSuchPage: true },
    });
    expect(doc).toContain('There is no such page');
    expect(doc).toContain('href="/products?q=caf%C3%A9&amp;sort=price&amp;per=24&amp;page=3"');
    expect(doc).not.toContain('No products yet');
    expect(doc).not.toContain('class="pagination"');
  });
});
