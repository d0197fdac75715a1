/**
 * The product list in Debian's Chromium (issue 15, item 5), at 1280×800 and on a 390×844 3×
 * phone, in English and Spanish: the table view chosen by a link and remembered across a
 * reload, sorting by price from the column header (table) and from the select (grid, no
 * JavaScript needed), a page past the last, the low-stock filter, the detail page's Back
 * returning to the same list — and axe-core with zero violations in every state.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../../src/catalog/products.repository.js';
import { makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { artifactPath, launchBrowser } from '../support/browser.js';
import { until } from '../support/wait-for.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

let t: TestApp;
let browser: Browser;
let base: string;
let session: string;

const PRICES = [12.5, 3, 99.99, 45, 7.25, 3, 150, 0.5, 18, 64];

beforeAll(async () => {
  t = await startTestApp('pglite+local', { listen: true });
  base = t.baseUrl!;
  browser = await launchBrowser();
  const web = new WebClient(base);
  await web.signUp('Tienda Lista', 'lista@tienda.test');
  session = web.cookies.get('vitrina_session')!;
  const tenantId = (await t.runtime.db.selectFrom('tenants').select('id').where('name', '=', 'Tienda Lista').executeTakeFirstOrThrow()).id;
  // Two with photos (through the form, processed by the running workers), the rest without.
  for (const [i, price] of PRICES.entries()) {
    if (i < 2) {
      await web.get('/products/new');
      const res = await web.postMultipart(
        '/products/new',
        { name: `Producto ${i}`, sku: `P-${i}`, uom_id: '1', sale_price: price.toFixed(2), description: '', _csrf: web.csrf() },
        { name: `p${i}.jpg`, bytes: await makeImage('jpeg', 800, 600), type: 'image/jpeg' },
      );
      productIdFrom(res);
    } else {
      const p = await createProduct(t.runtime.db, tenantId, {
        sku: `P-${i}`,
        name: `Producto ${i}`,
        description: '',
        uomId: 1,
        salePrice: price.toFixed(2),
      });
      await t.runtime.db
        .updateTable('products')
        .set({ stock_quantity: i % 3 === 0 ? null : i })
        .where('id', '=', p.id)
        .execute();
    }
  }
  await until(
    'the photos are processed',
    async () => {
      const waiting = await t.runtime.db.selectFrom('assets').select('id').where('status', '!=', 'ready').execute();
      return waiting.length === 0;
    },
    { timeout: 30_000 },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function newContext(viewport: { width: number; height: number }, locale: 'en' | 'es', phone: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: phone ? 3 : 1,
    isMobile: phone,
    hasTouch: phone,
    locale: locale === 'es' ? 'es-ES' : 'en-US',
  });
  await context.addCookies([{ name: 'vitrina_session', value: session, url: base }]);
  return context;
}

async function expectNoViolations(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(describeViolations(violations), state).toEqual([]);
}

const prices = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((cells) =>
    cells.map((c) =>
      Number(
        c
          .textContent!.replace(/[^\d,.]/g, '')
          .replace(/\.(?=\d{3})/g, '')
          .replace(',', '.'),
      ),
    ),
  );

const sortedAsc = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe.each([
  ['desktop', { width: 1280, height: 800 }, false],
  ['phone', { width: 390, height: 844 }, true],
] as const)('the product list in Chromium on %s', (device, viewport, phone) => {
  it.each(['en', 'es'] as const)(
    'in %s: table view remembered, sort by price, Back returns to the list, axe clean',
    async (locale) => {
      const context = await newContext(viewport, locale, phone);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const shot = async (name: string) =>
        page.screenshot({ path: await artifactPath(`list-${device}-${locale}-${name}.png`), fullPage: true });
      const text =
        locale === 'es'
          ? { table: 'Tabla', grid: 'Cuadrícula', count: '10 productos', apply: 'Aplicar', back: 'Volver' }
          : { table: 'Table', grid: 'Grid', count: '10 products', apply: 'Apply', back: 'Back' };

      // The grid first, with the count; start from the grid whatever an earlier run chose.
      await page.goto(`${base}/products?view=grid`);
      await expect.poll(() => page.locator('.list-count').textContent()).toBe(text.count);
      await expectNoViolations(page, 'grid');
      await shot('grid');

      // The segmented control is plain links: the table, then a reload without the query keeps it.
      await page.click(`nav.segmented a:text-is("${text.table}")`);
      await page.waitForURL(/view=table/);
      await page.goto(`${base}/products`);
      await page.locator('table.product-table').waitFor();
      expect(await page.locator('table.product-table caption').count()).toBe(1);
      await expectNoViolations(page, 'table');

      // Sort by price from the column header: ascending, then descending.
      await page.click('th a[href*="sort=price"]');
      await page.waitForURL(/sort=price/);
      const asc = await prices(page, 'table.product-table tbody td:nth-child(4)');
      expect(asc).toEqual(sortedAsc(PRICES));
      expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);
      await page.click('th[aria-sort] a');
      await page.waitForURL(/dir=desc/);
      expect(await prices(page, 'table.product-table tbody td:nth-child(4)')).toEqual(sortedAsc(PRICES).reverse());
      await expectNoViolations(page, 'table sorted by price, descending');
      if (phone) {
        // The page itself never scrolls sideways; the table scrolls inside its labelled region.
        const widths = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          region: document.querySelector('.table-scroll')!.scrollWidth,
          regionBox: document.querySelector('.table-scroll')!.clientWidth,
        }));
        expect(widths.page).toBeLessThanOrEqual(390);
        expect(widths.region).toBeGreaterThan(widths.regionBox);
      }
      await shot('table-price-desc');

      // The table's thumbnails: alt="" beside the name, drawn 48 px wide.
      const thumb = page.locator('img.table-thumb').first();
      expect(await thumb.getAttribute('alt')).toBe('');
      expect(await thumb.getAttribute('sizes')).toBe('48px');

      // Open a product and come back to the same sorted list.
      const listUrl = page.url();
      await page.click('table.product-table tbody th a >> nth=0');
      await page.waitForURL(/\/products\/\d+\?back=/);
      await expectNoViolations(page, 'detail with back');
      await page.click(`a:has-text("${text.back}")`);
      await page.waitForURL(listUrl);

      // The grid's sort form works without JavaScript: price ascending, 24 per page.
      await page.click(`nav.segmented a:text-is("${text.grid}")`);
      await page.waitForURL(/view=grid/);
      await page.selectOption('#sort', 'price');
      await page.selectOption('#dir', 'asc');
      await page.selectOption('#per', '24');
      await page.click(`form.list-options button:text-is("${text.apply}")`);
      await page.waitForURL(/sort=price/);
      expect(new URL(page.url()).searchParams.get('per')).toBe('24');
      expect(await prices(page, '.product-card .product-price')).toEqual(sortedAsc(PRICES));
      await expectNoViolations(page, 'grid sorted by price');
      await shot('grid-price-asc');

      // Low stock, and a page past the last.
      await page.goto(`${base}/products?stock=low&view=table`);
      await page.locator('table.product-table').waitFor();
      await expectNoViolations(page, 'low stock');
      await shot('low-stock');
      const missing = await page.goto(`${base}/products?page=99`);
      expect(missing?.status()).toBe(404);
      await expectNoViolations(page, 'no such page');
      await shot('no-such-page');
      await context.close();
    },
    120_000,
  );
});
