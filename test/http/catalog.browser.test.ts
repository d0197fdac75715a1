/**
 * The whole product in Debian's Chromium against a real running instance (PGlite + local
 * store, background workers on): sign up, create a product by dropping an image while the
 * upload progress bar moves, see the thumbnail once processing finishes, replace the image,
 * delete the product. Screenshots go to test-artifacts/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import type { TestApp } from '../support/app-harness.js';
import { startBrowserApp, type BrowserApp } from '../support/browser-app.js';
import { artifactPath } from '../support/browser.js';

let t: TestApp;
let browser: Browser;
let base: string;
let running: BrowserApp | undefined;

beforeAll(async () => {
  running = await startBrowserApp();
  ({ t, browser, base } = running);
});

afterAll(async () => {
  await running?.close();
});

/** Drops `bytes` as a file onto the form's drop zone, as a person dragging from the desktop would. */
async function dropFile(page: Page, bytes: Buffer, name: string, type: string): Promise<void> {
  await page.evaluate(
    ({ b64, name, type }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      const zone = document.querySelector('[data-dropzone]')!;
      for (const event of ['dragenter', 'dragover', 'drop'])
        zone.dispatchEvent(new DragEvent(event, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { b64: bytes.toString('base64'), name, type },
  );
}

/** The product image's element once it is a loaded <img> (the page swaps the placeholder in by itself). */
async function loadedImage(page: Page, selector: string): Promise<{ src: string; width: number }> {
  await page.waitForFunction(
    (sel) => {
      const img = document.querySelector<HTMLImageElement>(`${sel} img`);
      return img !== null && img.complete && img.naturalWidth > 0;
    },
    selector,
    { timeout: 20_000 },
  );
  return page.locator(`${selector} img`).evaluate((img: HTMLImageElement) => ({ src: img.currentSrc, width: img.naturalWidth }));
}

describe('the catalog in Chromium', () => {
  it('signs up, creates with drag and drop and a moving progress bar, replaces the image, deletes', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.setDefaultTimeout(15_000);

    await page.goto(`${base}/signup`);
    await page.fill('#tenant_name', 'Ferretería Ana');
    await page.fill('#email', 'ana@ferreteria.test');
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base}/products`);
    expect(await page.locator('.flash-success').textContent()).toBe('Welcome to Vitrina');

    await page.click('a.button.primary[href="/products/new"]');
    await page.waitForURL(`${base}/products/new`);
    await page.fill('#name', 'Martillo de carpintero');
    await page.fill('#sku', 'MART-16');
    await page.selectOption('#uom_id', { label: 'unit' });
    await page.fill('#sale_price', '24.90');
    const photo = await makeImage('jpeg', 2000, 1400);
    await dropFile(page, photo, 'martillo.jpg', 'image/jpeg');
    await expect.poll(() => page.locator('[data-preview]').evaluate((img: HTMLImageElement) => !img.hidden && img.naturalWidth)).toBe(2000);

    // A slow uplink (as from a phone) so the progress bar has time to move.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: Math.ceil(photo.length / 2),
    });
    await page.exposeFunction('recordProgress', (v: number) => progress.push(v));
    const progress: number[] = [];
    await page.evaluate(() => {
      const bar = document.querySelector<HTMLProgressElement>('[data-progress]')!;
      const record = (window as unknown as { recordProgress: (v: number) => void }).recordProgress;
      setInterval(() => !bar.hidden && record(bar.value), 20);
    });
    await page.click('[data-submit]');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLProgressElement>('[data-progress]')?.value ?? 0;
      return v > 0 && v < 100;
    });
    await page.screenshot({ path: await artifactPath('catalog-upload-progress.png'), fullPage: true });
    await page.waitForURL(/\/products\/\d+$/, { timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const distinct = new Set(progress.filter((v) => v > 0 && v < 100));
    expect(distinct.size).toBeGreaterThan(1);
    expect(await page.locator('.flash-success').textContent()).toBe('Product created');
    const productUrl = page.url();

    const first = await loadedImage(page, '[data-image-slot^="detail-"]');
    expect(first.width).toBeGreaterThan(400);
    await page.screenshot({ path: await artifactPath('catalog-product-detail.png'), fullPage: true });

    await page.goto(`${base}/products`);
    const thumb = await loadedImage(page, '[data-image-slot^="card-"]');
    expect(thumb.src).toContain('/media/t/');
    expect(await page.locator('.product-card .product-name').textContent()).toBe('Martillo de carpintero');
    await page.screenshot({ path: await artifactPath('catalog-list.png'), fullPage: true });

    await page.goto(`${productUrl}/edit`);
    await dropFile(page, await makeImage('png', 500, 500), 'martillo-2.png', 'image/png');
    await expect.poll(() => page.locator('[data-upload-status]').textContent()).toBe('Chosen: martillo-2.png');
    await page.click('[data-submit]');
    await page.waitForURL(productUrl);
    expect(await page.locator('.flash-success').textContent()).toBe('Product updated');
    const replaced = await loadedImage(page, '[data-image-slot^="detail-"]');
    expect(replaced.src, `${first.src} then ${replaced.src}`).not.toBe(first.src);
    await page.screenshot({ path: await artifactPath('catalog-replaced.png'), fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('form[data-confirm] button');
    await page.waitForURL(`${base}/products`);
    expect(await page.locator('.flash-success').textContent()).toBe('Product deleted');
    expect(await page.locator('.product-card').count()).toBe(0);
    await page.screenshot({ path: await artifactPath('catalog-deleted.png'), fullPage: true });

    // In the trash its image stays; emptying the trash lets the purge worker take everything it had.
    expect((await t.raw.listKeys('t/')).length).toBeGreaterThan(0);
    await page.goto(`${base}/products/trash`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('form[action="/products/trash/empty"] button');
    await page.waitForURL(`${base}/products/trash`);
    await page.close();
    await expect.poll(async () => (await t.raw.listKeys('t/')).length, { timeout: 10_000 }).toBe(0);
    // A real browser on a loaded 2-core machine: each step has its own timeout; this bounds the whole.
  }, 120_000);
});
