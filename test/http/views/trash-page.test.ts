/** The trash page, the delete flash's Undo and the stock line of the product page, as pure views. */
import { describe, expect, it } from 'vitest';
import { msg } from '../../../src/http/i18n/index.js';
import { productDetailPage } from '../../../src/http/views/product-detail.js';
import { trashPage, type TrashRowView } from '../../../src/http/views/trash-page.js';
import { errorPage } from '../../../src/http/views/error-page.js';
import { page, product } from './fixtures.js';

const row: TrashRowView = {
  id: '7',
  name: 'Hammer <b>',
  sku: 'HAM-1',
  deletedAt: '2026-12-06T07:30:00.000Z',
  purgeAt: '2027-01-05T07:30:00.000Z',
};

describe('trashPage', () => {
  it('lists each trashed product with its dates, Restore and Delete forever (CSRF, confirm), and Empty trash', () => {
    const doc = trashPage({ page: page(), days: 30, items: [row], pagination: { page: 1, pageCount: 1, total: 1 } });
    expect(doc).toContain('<h1>Trash</h1>');
    expect(doc).toContain('Hammer &lt;b&gt;');
    expect(doc).not.toContain('Hammer <b>');
    expect(doc).toContain('<caption id="trash-caption">Products in the trash</caption>');
    expect(doc).toContain('<time datetime="2026-12-06T07:30:00.000Z">Dec 6, 2026, 7:30 AM UTC</time>');
    expect(doc).toContain('<time datetime="2027-01-05T07:30:00.000Z">January 5, 2027</time>');
    expect(doc).toMatch(
      /<form method="post" action="\/products\/7\/restore" class="inline-form">\s*<input type="hidden" name="_csrf" value="tok-123"><input type="hidden" name="next" value="trash">/,
    );
    expect(doc).toMatch(/action="\/products\/7\/delete-forever" class="inline-form" data-confirm="[^"]+"/);
    expect(doc).toMatch(/action="\/products\/trash\/empty" class="inline-form" data-confirm="[^"]+"/);
    expect(doc).toContain('aria-label="Restore: Hammer &lt;b&gt;"');
    expect(doc).toContain('1 product in the trash');
    expect(doc).not.toContain('class="pagination"');
  });

  it('says when the trash is empty, without Empty trash', () => {
    const doc = trashPage({ page: page(), days: 30, items: [], pagination: { page: 1, pageCount: 1, total: 0 } });
    expect(doc).toContain('The trash is empty.');
    expect(doc).not.toContain('/products/trash/empty');
  });

  it('is Spanish in Spanish, and paginates', () => {
    const doc = trashPage({ page: page({ locale: 'es' }), days: 30, items: [row], pagination: { page: 2, pageCount: 3, total: 120 } });
    expect(doc).toContain('<h1>Papelera</h1>');
    expect(doc).toContain('120 productos en la papelera');
    expect(doc).toContain('6 dic 2026, 7:30 UTC');
    expect(doc).toContain('5 de enero de 2027');
    expect(doc).toContain('href="/products/trash?page=1" rel="prev"');
    expect(doc).toContain('href="/products/trash?page=3" rel="next"');
    expect(doc).toContain('Vaciar la papelera');
  });
});

describe('the delete flash', () => {
  it('keeps "Product deleted" as its own line, then says where it went and offers Undo (a POST form with CSRF)', () => {
    const flash = [
      {
        kind: 'success' as const,
        message: msg('flash.product_deleted'),
        detail: msg('trash.flash_in_trash', { days: 30 }),
        undoProductId: '7',
      },
    ];
    const doc = errorPage({ page: page({ flash }), status: 404 });
    expect(doc).toContain('role="status">Product deleted</p>');
    expect(doc).toContain('<span>It is in the trash for 30 days.</span>');
    expect(doc).toMatch(
      /<form method="post" action="\/products\/7\/restore" class="inline-form"><input type="hidden" name="_csrf" value="tok-123"><input type="hidden" name="next" value="product"><button type="submit" class="button small">Undo<\/button><\/form>/,
    );
    const es = errorPage({ page: page({ locale: 'es', flash }), status: 404 });
    expect(es).toContain('role="status">Producto eliminado</p>');
    expect(es).toContain('Está en la papelera durante 30 días.');
    expect(es).toContain('>Deshacer</button>');
  });
});

describe('stock on the product page', () => {
  it('shows the quantity in the page language, or "Not tracked"', () => {
    expect(productDetailPage({ page: page(), product: { ...product(), description: null, stockQuantity: 1250 } })).toContain(
      '<dt>Stock on hand</dt><dd>1,250</dd>',
    );
    expect(
      productDetailPage({ page: page({ locale: 'es' }), product: { ...product(), description: null, stockQuantity: 12500 } }),
    ).toContain('<dt>Existencias</dt><dd>12.500</dd>');
    expect(productDetailPage({ page: page(), product: { ...product(), description: null, stockQuantity: null } })).toContain('Not tracked');
  });
});
