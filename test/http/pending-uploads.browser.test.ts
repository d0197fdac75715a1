/**
 * Issue 15, items 1, 6 (touch) and 7 in Debian's Chromium against a running instance (PGlite +
 * local store, workers on): a photo chosen on a form refused for its price comes back as a kept
 * thumbnail and is saved with the product on the next submit; a PDF renamed .jpg and an iPhone
 * HEIC photo are refused from their first bytes before anything is sent; on a phone the drop
 * zone is a large "Choose a photo" button. axe finds nothing on any of these states.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heicHeader, makeImage } from '../media/media-fixtures.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { artifactPath, launchBrowser } from '../support/browser.js';

let t: TestApp;
let browser: Browser;
let base: string;
let session: { name: string; value: string; url: string }[] = [];

const WAIT = { timeout: 25_000 };

beforeAll(async () => {
  t = await startTestApp('pglite+local', { listen: true });
  base = t.baseUrl!;
  browser = await launchBrowser();
  // One sign-up; every page below reuses its session cookie.
  const page = await browser.newPage();
  await page.goto(`${base}/signup`);
  await page.fill('#tenant_name', 'Tienda Kept');
  await page.fill('#email', 'kept@tienda.test');
  await page.fill('#password', 'correct horse battery');
  await page.click('main button[type="submit"]');
  await page.waitForURL(`${base}/products`, WAIT);
  session = (await page.context().cookies()).map((c) => ({ name: c.name, value: c.value, url: base }));
  await page.close();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function loggedInPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
  await context.addCookies(session);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

describe('the product form in Chromium', () => {
  it('keeps a chosen photo when the price is refused, and saves it with the product on the next submit', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/products/new`);
    await page.fill('#name', 'Martillo');
    await page.fill('#sku', 'MART-K1');
    await page.fill('#sale_price', 'abc');
    const photo = await makeImage('jpeg', 900, 600);
    await page.setInputFiles('#image', { name: 'martillo.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('[data-upload-status]').filter({ hasText: 'Chosen: martillo.jpg' }).waitFor(WAIT);
    await page.click('[data-submit]');

    // The form comes back (the enhanced submit writes the answer in) with the kept thumbnail.
    await page.locator('.pending-image').waitFor(WAIT);
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('.pending-image img');
        return img !== null && img.complete && img.naturalWidth === 900;
      },
      undefined,
      WAIT,
    );
    expect(await page.locator('.pending-image figcaption').textContent()).toContain('File: martillo.jpg');
    expect(await page.locator('#sale_price-error').textContent()).toBeTruthy();
    expect(await page.inputValue('#sale_price')).toBe('abc');
    expect(await page.locator('input[name="pending_upload"]').count()).toBe(1);
    await page.screenshot({ path: await artifactPath('pending-upload-kept.png'), fullPage: true });
    await expectNoAxeViolations(page);

    await page.fill('#sale_price', '24.90');
    await page.click('[data-submit]');
    await page.waitForURL(/\/products\/\d+$/, WAIT);
    expect(await page.locator('.flash-success').textContent()).toBe('Product created');
    const id = Number(/\/products\/(\d+)$/.exec(page.url())![1]);
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(product.image_asset_id).not.toBeNull();
    // The workers run: the kept photo becomes the product's image.
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('.detail-image img');
        return img !== null && img.complete && img.naturalWidth > 0;
      },
      undefined,
      WAIT,
    );
    await page.screenshot({ path: await artifactPath('pending-upload-created.png'), fullPage: true });
    await expectNoAxeViolations(page);
    await page.context().close();
  }, 150_000);

  it('in Spanish: Remove dims the kept photo, another file replaces it, and the new file is saved', async () => {
    const page = await loggedInPage({ locale: 'es-ES', extraHTTPHeaders: { 'accept-language': 'es-ES,es;q=0.9' } });
    await page.goto(`${base}/products/new?lang=es`);
    await page.fill('#name', 'Martillo pequeño');
    await page.fill('#sku', 'MART-ES1');
    await page.fill('#sale_price', 'doce');
    await page.setInputFiles('#image', { name: 'primera.jpg', mimeType: 'image/jpeg', buffer: await makeImage('jpeg', 640, 480) });
    await page.locator('[data-upload-status]').filter({ hasText: 'primera.jpg' }).waitFor(WAIT);
    await page.click('[data-submit]');
    await page.locator('.pending-image').waitFor(WAIT);
    expect(await page.locator('.pending-image figcaption').textContent()).toContain('Foto conservada');
    expect(await page.locator('label[for="discard_pending"]').textContent()).toBe('Quitar: guardar sin esta foto');
    await page.screenshot({ path: await artifactPath('pending-upload-kept-es.png'), fullPage: true });
    await expectNoAxeViolations(page);

    await page.check('#discard_pending');
    await page.locator('.pending-image.is-removed').waitFor(WAIT);
    await page.uncheck('#discard_pending');
    // A new file wins: the kept photo is hidden while it is chosen.
    await page.setInputFiles('#image', { name: 'segunda.png', mimeType: 'image/png', buffer: await makeImage('png', 320, 240) });
    await page.locator('.pending-image').waitFor({ state: 'hidden', ...WAIT });
    await page.locator('[data-upload-status]').filter({ hasText: 'segunda.png' }).waitFor(WAIT);
    await expectNoAxeViolations(page);
    await page.fill('#sale_price', '12');
    await page.click('[data-submit]');
    await page.waitForURL(/\/products\/\d+$/, WAIT);
    expect(await page.locator('.flash-success').textContent()).toBe('Producto creado');
    const id = Number(/\/products\/(\d+)$/.exec(page.url())![1]);
    const product = await t.runtime.db.selectFrom('products').select('image_asset_id').where('id', '=', id).executeTakeFirstOrThrow();
    const asset = await t.runtime.db
      .selectFrom('assets')
      .select('original_name')
      .where('id', '=', product.image_asset_id!)
      .executeTakeFirstOrThrow();
    expect(asset.original_name).toBe('segunda.png');
    await page.context().close();
  }, 150_000);

  it('refuses a PDF renamed .jpg and a HEIC photo from their first bytes, sending nothing', async () => {
    const page = await loggedInPage();
    await page.goto(`${base}/products/new`);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await page.setInputFiles('#image', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: pdf });
    const error = page.locator('#image-error');
    await error.filter({ hasText: 'File type not allowed: application/pdf' }).waitFor(WAIT);
    expect(await page.locator('[data-preview]').isHidden()).toBe(true);
    expect(await page.inputValue('#image')).toBe('');
    await page.screenshot({ path: await artifactPath('upload-pdf-refused.png'), fullPage: true });
    await expectNoAxeViolations(page);

    // HEIC, named as the iPhone names it, and renamed .jpg: the same advice either way.
    for (const name of ['IMG_0001.HEIC', 'IMG_0001.jpg']) {
      await page.setInputFiles('#image', { name, mimeType: name.endsWith('.jpg') ? 'image/jpeg' : 'image/heic', buffer: heicHeader() });
      await error.filter({ hasText: 'Settings › Camera › Formats › Most Compatible' }).waitFor(WAIT);
      expect(await page.inputValue('#image')).toBe('');
    }
    await page.screenshot({ path: await artifactPath('upload-heic-refused.png'), fullPage: true });
    await expectNoAxeViolations(page);
    expect(posts).toEqual([]);
    await page.context().close();
  }, 150_000);

  it('shows a large "Choose a photo" button on a phone', async () => {
    const page = await loggedInPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    await page.goto(`${base}/products/new?lang=en`);
    const button = page.locator('.dropzone .choose-button');
    await button.waitFor({ state: 'visible', ...WAIT });
    expect(await button.textContent()).toBe('Choose a photo');
    expect(await page.locator('.dropzone .drop-text').isHidden()).toBe(true);
    const box = (await button.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThan(300);
    // Not fullPage: that screenshot re-lays the page out without the touch emulation.
    await button.scrollIntoViewIfNeeded();
    await page.screenshot({ path: await artifactPath('upload-phone-choose-photo.png') });
    await expectNoAxeViolations(page);

    // The button opens the file chooser (it is the file input's label).
    const chooser = page.waitForEvent('filechooser', WAIT);
    await button.tap();
    await (await chooser).setFiles({ name: 'foto.png', mimeType: 'image/png', buffer: await makeImage('png', 300, 200) });
    await page.locator('[data-upload-status]').filter({ hasText: 'foto.png' }).waitFor(WAIT);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: await artifactPath('upload-phone-chosen.png') });

    // In Spanish too.
    await page.goto(`${base}/products/new?lang=es`);
    expect(await page.locator('.dropzone .choose-button').textContent()).toBe('Elegir una foto');
    await page.goto(`${base}/products/new?lang=en`);
    await page.context().close();
  }, 150_000);
});
