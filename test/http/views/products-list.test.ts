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
    expect(doc).toContain('alt="&lt;script&gt;alert(1)&lt;/script&gt;"');
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
    expect(img).toContain('alt="Coffee beans"');
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
    expect(doc).toContain('1.234,50 / caja');
    expect(doc).toContain('Sin imagen');
    expect(doc).toContain('Cerrar sesión');
  });
});
