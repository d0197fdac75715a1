/**
 * The trash in Debian's Chromium against a running instance (PGlite + local store), at desktop
 * and phone sizes, in English and Spanish: delete a product (the confirm dialog), Undo from
 * the flash, delete again, open the trash from the products page, restore from it, delete
 * forever. Stock is typed on the form and shown on the product page. axe-core runs on every
 * page state (zero violations of any impact); screenshots go to test-artifacts/.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserApp, type BrowserApp } from '../support/browser-app.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { artifactPath } from '../support/browser.js';

let browser: Browser;
let base: string;
let running: BrowserApp | undefined;

beforeAll(async () => {
  running = await startBrowserApp();
  ({ browser, base } = running);
});

afterAll(async () => {
  await running?.close();
});

const SIZES: Record<'desktop' | 'phone', BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
};

const TEXT = {
  en: {
    deleted: 'Product deleted',
    inTrash: 'It is in the trash for 30 days.',
    restored: 'Product restored',
    forever: 'Product deleted for good',
    trash: 'Trash',
    stock: '1,250',
  },
  es: {
    deleted: 'Producto eliminado',
    inTrash: 'Está en la papelera durante 30 días.',
    restored: 'Producto restaurado',
    forever: 'Producto eliminado para siempre',
    trash: 'Papelera',
    stock: '1250',
  },
} as const;

async function noViolations(page: Page, state: string): Promise<void> {
  expect(describeViolations(await axeViolations(page)), state).toEqual([]);
}

async function confirmAndClick(page: Page, selector: string): Promise<void> {
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click(selector);
}

describe('the trash in Chromium', () => {
  for (const size of ['desktop', 'phone'] as const) {
    for (const locale of ['en', 'es'] as const) {
      it(`${size}, ${locale}: delete with confirm, undo from the flash, the trash page, restore, delete forever`, async () => {
        const text = TEXT[locale];
        const context = await browser.newContext(SIZES[size]);
        const page = await context.newPage();
        page.setDefaultTimeout(30_000);
        const shot = async (name: string) =>
          page.screenshot({ path: await artifactPath(`trash-${size}-${locale}-${name}.png`), fullPage: true });

        await page.goto(`${base}/signup?lang=${locale}`);
        await page.fill('#tenant_name', `Tienda ${size} ${locale}`);
        await page.fill('#email', `trash-${size}-${locale}@example.test`);
        await page.fill('#password', 'correct horse battery');
        await page.click('main button[type="submit"]');
        await page.waitForURL(`${base}/products`);

        await page.goto(`${base}/products/new`);
        await page.fill('#name', 'Martillo');
        await page.fill('#sku', `MART-${size}-${locale}`);
        await page.fill('#sale_price', '24');
        await page.fill('#stock_quantity', '1250');
        await page.click('[data-submit]');
        await page.waitForURL(/\/products\/\d+$/);
        const productUrl = page.url();
        expect(await page.locator('.product-detail dl').textContent()).toContain(text.stock);
        await noViolations(page, 'product page');

        // Delete: the confirm dialog, then the list with the flash and its Undo.
        await confirmAndClick(page, 'form[data-confirm] button');
        await page.waitForURL(`${base}/products`);
        expect(await page.locator('.flash-success').textContent()).toBe(text.deleted);
        expect(await page.locator('.flash-more span').textContent()).toBe(text.inTrash);
        await noViolations(page, 'flash with Undo');
        await shot('flash-undo');

        await page.click('.flash-more button');
        await page.waitForURL(productUrl);
        expect(await page.locator('.flash-success').textContent()).toBe(text.restored);
        await noViolations(page, 'restored by Undo');

        // Delete again, and open the trash from the products page.
        await confirmAndClick(page, 'form[data-confirm] button');
        await page.waitForURL(`${base}/products`);
        await page.click(`a[href="/products/trash"]`);
        await page.waitForURL(`${base}/products/trash`);
        expect(await page.locator('h1').textContent()).toBe(text.trash);
        expect(await page.locator('.trash-table tbody tr').count()).toBe(1);
        await noViolations(page, 'trash page');
        await shot('trash');

        await page.click('.trash-table form[action$="/restore"] button');
        await page.waitForURL(`${base}/products/trash`);
        expect(await page.locator('.flash-success').textContent()).toBe(text.restored);
        expect(await page.locator('.trash-table').count()).toBe(0);
        await noViolations(page, 'empty trash after restore');
        await shot('restored');
        await page.goto(productUrl);
        expect(await page.locator('h1').textContent()).toBe('Martillo');

        // Delete, then delete forever from the trash (confirm).
        await confirmAndClick(page, 'form[data-confirm] button');
        await page.waitForURL(`${base}/products`);
        await page.goto(`${base}/products/trash`);
        await confirmAndClick(page, '.trash-table form[action$="/delete-forever"] button');
        await page.waitForURL(`${base}/products/trash`);
        expect(await page.locator('.flash-success').textContent()).toBe(text.forever);
        await noViolations(page, 'deleted forever');
        expect((await page.goto(productUrl))?.status()).toBe(404);
        await context.close();
      }, 120_000);
    }
  }
});
