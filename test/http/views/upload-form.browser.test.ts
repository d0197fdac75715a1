/**
 * public/app.js in a real Chromium: drag and drop into the product form, preview, the
 * client-side size check, an XHR upload whose progress bar moves while a deliberately slow
 * server reads the body, the redirect afterwards, a server-side error page replacing the
 * document, and data-confirm. Screenshots go to test-artifacts/.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app-context.js';
import { msg } from '../../../src/http/i18n/index.js';
import staticAssets from '../../../src/http/routes/static-assets.js';
import { productDetailPage } from '../../../src/http/views/product-detail.js';
import { productFormPage } from '../../../src/http/views/product-form.js';
import type { Flash } from '../../../src/http/views/types.js';
import { artifactPath, launchBrowser } from '../../support/browser.js';
import { formModel, page as pageCtx, product } from './fixtures.js';

const MAX_BYTES = 8 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  url: string;
  bytes: number;
  filename: string | undefined;
}

let app: FastifyInstance;
let baseUrl: string;
let browser: Browser;
let pngBase64: string;
const received: Received[] = [];

function renderForm(action: string, flash: Flash[] = []): string {
  return productFormPage(
    formModel({
      action,
      page: pageCtx({ flash }),
      upload: { maxBytes: MAX_BYTES, allowedTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] },
    }),
  );
}

beforeAll(async () => {
  pngBase64 = (
    await sharp({ create: { width: 240, height: 160, channels: 3, background: { r: 30, g: 120, b: 200 } } })
      .png()
      .toBuffer()
  ).toString('base64');

  app = Fastify();
  await app.register(async (scope) => staticAssets(scope, {} as AppContext));
  // Leave the multipart body unread so the handler can consume it slowly (backpressure
  // then throttles the browser's upload, which is what makes progress events observable).
  app.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.get('/form', async (_req, reply) => reply.type('text/html').send(renderForm('/products/new')));
  app.get('/form-fail', async (_req, reply) => reply.type('text/html').send(renderForm('/products/fail')));
  app.post('/products/new', async (request, reply) => {
    const seen = await readSlowly(request.raw);
    received.push({ url: request.url, ...seen });
    return reply.redirect('/products/1', 302);
  });
  app.post('/products/fail', async (request, reply) => {
    const seen = await readSlowly(request.raw);
    received.push({ url: request.url, ...seen });
    const flash: Flash[] = [{ kind: 'error', message: msg('flash.file_type_not_allowed', { type: 'application/pdf' }) }];
    return reply.type('text/html').send(renderForm('/products/fail', flash));
  });
  app.get('/products/1', async (_req, reply) =>
    reply.type('text/html').send(
      productDetailPage({
        page: pageCtx({ flash: [{ kind: 'success', message: msg('flash.product_created') }] }),
        product: { ...product(), description: null },
      }),
    ),
  );
  app.post('/products/42/delete', async (request, reply) => {
    received.push({ url: request.url, bytes: 0, filename: undefined });
    return reply.redirect('/form', 302);
  });
  app.get('/detail', async (_req, reply) =>
    reply.type('text/html').send(productDetailPage({ page: pageCtx(), product: { ...product(), description: null } })),
  );
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Short waits, so a broken step fails with its own message before the test times out. */
async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

beforeEach(() => {
  received.length = 0;
});

async function readSlowly(body: AsyncIterable<Buffer>): Promise<{ bytes: number; filename: string | undefined }> {
  let bytes = 0;
  let head = '';
  // Nothing is read at first: once the socket buffers are full the bar rests part-way, long
  // enough to be seen however busy the machine is (they can take most of the body at once).
  await sleep(500);
  for await (const chunk of body) {
    bytes += chunk.length;
    if (head.length < 4096) head += chunk.toString('latin1');
    await sleep(15);
  }
  return { bytes, filename: /name="image"; filename="([^"]*)"/.exec(head)?.[1] };
}

/** Drops a PNG of `totalBytes` (a real image followed by padding) onto the drop zone. */
async function dropImage(page: Page, totalBytes: number, name: string): Promise<void> {
  await page.evaluate(
    ({ b64, totalBytes, name }) => {
      const png = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      // Bytes after IEND are ignored by decoders, so the preview still shows the picture.
      const file = new File([png, new Uint8Array(Math.max(0, totalBytes - png.length))], name, { type: 'image/png' });
      const zone = document.querySelector('[data-dropzone]')!;
      const dataTransfer = new DataTransfer();
      dataTransfer.items.add(file);
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true }));
      }
    },
    { b64: pngBase64, totalBytes, name },
  );
}

async function fillFields(page: Page): Promise<void> {
  await page.fill('#name', 'Coffee beans');
  await page.fill('#sku', 'COF-1');
  await page.fill('#sale_price', '19.99');
}

describe('product form in Chromium', () => {
  it('drops an image, previews it, uploads with a moving progress bar and follows the redirect', async () => {
    const page = await newPage();
    const progress: number[] = [];
    await page.exposeFunction('recordProgress', (v: number) => progress.push(v));
    await page.goto(`${baseUrl}/form`);
    await fillFields(page);
    await dropImage(page, 6 * 1024 * 1024, 'photo.png');

    expect(await page.locator('#image').evaluate((el: HTMLInputElement) => el.files?.[0]?.name)).toBe('photo.png');
    const preview = page.locator('[data-preview]');
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => !img.hidden && img.complete && img.naturalWidth)).toBe(240);
    await expect.poll(() => page.locator('[data-upload-status]').textContent()).toBe('Chosen: photo.png');
    await page.screenshot({ path: await artifactPath('upload-form-preview.png'), fullPage: true });

    // Sample the bar while the upload runs; the page (and this sampler) goes away on redirect.
    await page.evaluate(() => {
      const bar = document.querySelector<HTMLProgressElement>('[data-progress]')!;
      const record = (window as unknown as { recordProgress: (v: number) => void }).recordProgress;
      setInterval(() => {
        if (!bar.hidden) record(bar.value);
      }, 10);
    });
    await page.click('[data-submit]');
    await expect
      .poll(() =>
        page
          .locator('[data-submit]')
          .isDisabled()
          .catch(() => true),
      )
      .toBe(true);
    // The sampler's record, not one look at the bar: a busy machine may let a look come too late.
    await expect.poll(() => progress.some((v) => v > 0 && v < 100), { timeout: 20_000 }).toBe(true);
    await page.screenshot({ path: await artifactPath('upload-form-progress.png'), fullPage: true });
    await page.waitForURL(`${baseUrl}/products/1`, { timeout: 20_000 });

    expect(progress.some((v) => v > 0 && v < 100)).toBe(true);
    expect(await page.locator('[role="status"]').textContent()).toBe('Product created');
    expect(received).toHaveLength(1);
    expect(received[0]!.filename).toBe('photo.png');
    expect(received[0]!.bytes).toBeGreaterThan(6 * 1024 * 1024);
    await page.screenshot({ path: await artifactPath('upload-form-redirected.png'), fullPage: true });
    await page.close();
  });

  it('refuses a too-large file in the browser without submitting', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/form`);
    await fillFields(page);
    await dropImage(page, MAX_BYTES + 1, 'huge.png');

    const error = page.locator('[data-file-error]');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toBe('File too large. Maximum 8.0 MB');
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await page.locator('#image').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#image').getAttribute('aria-describedby')).toContain('image-error');
    expect(await page.locator('#image').evaluate((el: HTMLInputElement) => el.files?.length ?? 0)).toBe(0);
    expect(await page.locator('[data-preview]').isHidden()).toBe(true);
    await page.screenshot({ path: await artifactPath('upload-form-too-large.png'), fullPage: true });
    await sleep(300);
    expect(received).toHaveLength(0);
    await page.close();
  });

  it('shows the page the server answers when it refuses the upload (no redirect)', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/form-fail`);
    await fillFields(page);
    await dropImage(page, 200 * 1024, 'doc.png');
    await page.click('[data-submit]');
    await page.waitForSelector('.flash-error[role="alert"]');
    expect(await page.locator('.flash-error').textContent()).toBe('File type not allowed: application/pdf');
    expect(page.url()).toBe(`${baseUrl}/form-fail`);
    expect(received.map((r) => r.url)).toEqual(['/products/fail']);
    await page.screenshot({ path: await artifactPath('upload-form-server-error.png'), fullPage: true });
    // The replaced document ran app.js again: the form is enhanced once more.
    await dropImage(page, MAX_BYTES + 1, 'again.png');
    await expect.poll(() => page.locator('[data-file-error]').textContent()).toBe('File too large. Maximum 8.0 MB');
    await page.close();
  });

  it('asks before deleting (data-confirm)', async () => {
    const page = await newPage();
    await page.goto(`${baseUrl}/detail`);
    page.once('dialog', (d) => void d.dismiss());
    await page.click('form[data-confirm] button');
    await sleep(200);
    expect(received).toHaveLength(0);
    page.once('dialog', (d) => void d.accept());
    await page.click('form[data-confirm] button');
    await page.waitForURL(`${baseUrl}/form`);
    expect(received.map((r) => r.url)).toEqual(['/products/42/delete']);
    await page.close();
  });
});
