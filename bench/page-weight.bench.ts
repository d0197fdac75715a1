/**
 * What /products weighs in a browser with 48 products (issue 15, item 6): the app on the
 * embedded stack (PGlite + local store, workers inline), 48 products with catalog photos
 * (a product drawn on a plain gradient, 1600×1200 JPEG, as the demo catalog's; each one
 * different) uploaded through the form and processed — or, with PAGE_WEIGHT_PHOTO=phone, the
 * benchmarks' 1 MiB 2400×1600 textured phone photo, a worst case — then Debian's Chromium opens /products, scrolls to
 * the end (the cards' images load lazily) and sums every response's transferred bytes (CDP
 * `Network.loadingFinished` encodedDataLength: headers and body as they came over the wire;
 * the cache is emptied after logging in, so CSS and JS count as on a first visit).
 *
 *   npm run bench:page-weight                 # or: npx tsx bench/page-weight.bench.ts
 *   PAGE_WEIGHT_PRODUCTS=4 npx tsx bench/page-weight.bench.ts   # a quick check of the bench itself
 *
 * Measured at 390×844 (deviceScaleFactor 3, mobile) and 1280×800. The baseline, in the same
 * run, is the same page with the `sizes` the cards had before issue 15
 * ('(max-width: 520px) 50vw, 240px', rewritten into the HTML on its way to the browser), which
 * made a 3× phone take the 1200w variant. Also the HTML's own transfer size with and without
 * `Accept-Encoding: gzip, br`. Target: the phone ≤ 450 KB after scrolling. Everything it makes
 * (a temp DATA_DIR with the database and the images) is deleted at the end, also on failure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { freePort } from '../src/free-port.js';
import { buildApp } from '../src/http/app.js';
import { silentLogger } from '../src/logger.js';
import { startRuntime } from '../src/runtime.js';
import { launchBrowser } from '../test/support/browser.js';
import { WebClient } from '../test/support/web-client.js';
import sharp from 'sharp';
import { makePhoto } from './make-photo.js';

/** PAGE_WEIGHT_PRODUCTS=4 for a quick check that the bench itself works (the figures need 48). */
const PRODUCTS = Number(process.env.PAGE_WEIGHT_PRODUCTS ?? 48);
const EMAIL = 'weight@bench.test';
const PASSWORD = 'correct horse battery';
const OLD_THUMBNAIL_SIZES = '(max-width: 520px) 50vw, 240px';
const PHONE_TARGET_BYTES = 450 * 1024;

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

interface Weight {
  total: number;
  byType: Record<string, number>;
  images: number;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vitrina-page-weight-'));
  const port = await freePort();
  const config = loadConfig({
    DATA_DIR: dataDir,
    STORAGE_DRIVER: 'local',
    SECRET_KEY: 'page-weight-bench-secret-key-0123456789abcdef',
    JOBS: 'inline',
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_COST: '14',
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const runtime = await startRuntime(config, silentLogger);
  const app = await buildApp(runtime);
  let browser: Browser | undefined;
  try {
    await app.listen({ port, host: '127.0.0.1' });
    const base = config.appUrl;
    await makeProducts(app);
    browser = await launchBrowser();
    const phone = await measure(browser, base, PHONE);
    const phoneOld = await measure(browser, base, PHONE, OLD_THUMBNAIL_SIZES);
    const desktop = await measure(browser, base, DESKTOP);
    const desktopOld = await measure(browser, base, DESKTOP, OLD_THUMBNAIL_SIZES);
    const html = await htmlSizes(base);

    const line = (label: string, w: Weight, old: Weight) =>
      `${label.padEnd(24)} ${kb(w.total).padStart(10)}  (images ${kb(w.byType.Image ?? 0)} in ${w.images}, document ${kb(w.byType.Document ?? 0)}, ` +
      `css ${kb(w.byType.Stylesheet ?? 0)}, js ${kb(w.byType.Script ?? 0)})  ${(w.total / old.total).toFixed(2)}× the old sizes' ${kb(old.total)}`;
    console.log(`/products with ${PRODUCTS} products, transferred after scrolling to the end:`);
    console.log(line('phone 390×844 @3x', phone, phoneOld));
    console.log(line('desktop 1280×800 @1x', desktop, desktopOld));
    console.log(
      `HTML of /products: ${kb(html.identity)} uncompressed, ${kb(html.compressed)} with Accept-Encoding: gzip, br (${html.encoding || 'not compressed'})`,
    );
    console.log(`phone target ≤ ${kb(PHONE_TARGET_BYTES)}: ${phone.total <= PHONE_TARGET_BYTES ? 'met' : 'NOT met'}`);
  } finally {
    await browser?.close();
    await app.close();
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A tenant with PRODUCTS products, each with its own upload of the phone photo, processed. */
async function makeProducts(app: Awaited<ReturnType<typeof buildApp>>): Promise<void> {
  const web = new WebClient(app);
  await web.signUp('Page weight', EMAIL, PASSWORD);
  const phonePhoto = process.env.PAGE_WEIGHT_PHOTO === 'phone' ? await makePhoto() : undefined;
  const started = performance.now();
  for (let i = 1; i <= PRODUCTS; i++) {
    const photo = phonePhoto ?? (await productPhoto(i));
    await web.get('/products/new');
    const fields = { name: `Product ${i}`, sku: `PW-${i}`, uom_id: '1', sale_price: `${i}.50`, description: '', _csrf: web.csrf() };
    const res = await web.postMultipart('/products/new', fields, { name: `photo-${i}.jpg`, bytes: photo, type: 'image/jpeg' });
    if (res.statusCode !== 302) throw new Error(`product ${i} was refused: ${res.statusCode}`);
  }
  process.stderr.write(`created ${PRODUCTS} products in ${((performance.now() - started) / 1000).toFixed(1)} s; processing…\n`);
  // Processing runs in the background; its progress is what the list shows.
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const list = await web.get(`/products?per=${PRODUCTS}`);
    const waiting = (list.body.match(/data-image-status="processing"/g) ?? []).length;
    const ready = (list.body.match(/<img class="thumb"/g) ?? []).length;
    if (waiting === 0 && ready === PRODUCTS) break;
    if (Date.now() > deadline) throw new Error(`images still processing after 10 minutes (${ready} ready)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  process.stderr.write(`processed in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** A catalog shot: an object (a box, a tool handle, a disc) on a plain gradient, colours varying with `i`. */
async function productPhoto(i: number): Promise<Buffer> {
  const hue = (i * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},45%,88%)"/><stop offset="1" stop-color="hsl(${hue},40%,70%)"/></linearGradient></defs>
  <rect width="1600" height="1200" fill="url(#g)"/>
  <ellipse cx="800" cy="1010" rx="${380 + (i % 5) * 30}" ry="50" fill="rgba(0,0,0,0.18)"/>
  <rect x="${520 + (i % 7) * 10}" y="300" width="560" height="660" rx="${20 + (i % 4) * 20}" fill="hsl(${(hue + 180) % 360},35%,45%)"/>
  <circle cx="800" cy="520" r="${120 + (i % 6) * 15}" fill="hsl(${(hue + 90) % 360},50%,60%)"/>
  <rect x="610" y="760" width="380" height="70" rx="12" fill="rgba(255,255,255,0.75)"/>
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** Logs in, then opens /products with the cache off and scrolls to the end; the bytes that page cost. */
async function measure(browser: Browser, base: string, options: BrowserContextOptions, oldSizes?: string): Promise<Weight> {
  const context = await browser.newContext(options);
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/login`);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/products/);
    // Let the landing page's own images finish: they must not be counted with the measured visit.
    await page.waitForLoadState('networkidle');
    if (oldSizes !== undefined) {
      await page.route(/\/products(\?.*)?$/, async (route) => {
        const response = await route.fetch();
        const body = (await response.text()).replace(/(<img class="thumb"[^>]*? sizes=")[^"]*"/g, `$1${oldSizes}"`);
        await route.fulfill({ response, body });
      });
    }
    // The log-in landed on /products already: empty the cache, so everything counts as on a first visit.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    const types = new Map<string, string>();
    const weight: Weight = { total: 0, byType: {}, images: 0 };
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      const type = types.get(e.requestId) ?? 'Other';
      weight.total += e.encodedDataLength;
      weight.byType[type] = (weight.byType[type] ?? 0) + e.encodedDataLength;
      if (type === 'Image') weight.images++;
    });
    await page.goto(`${base}/products?per=${PRODUCTS}`, { waitUntil: 'load' });
    await scrollToEnd(page);
    await page.waitForLoadState('networkidle');
    await cdp.detach();
    return weight;
  } finally {
    await context.close();
  }
}

/** Scrolls a screen at a time, as a person would, until every card image has loaded. */
async function scrollToEnd(page: Page): Promise<void> {
  for (let y = 0; ;) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    if (y >= height) break;
    y += await page.evaluate(() => window.innerHeight);
    await page.evaluate((to) => window.scrollTo(0, to), y);
    await page.waitForLoadState('networkidle');
  }
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.thumb')].every((img) => img.complete));
}

/** The list's HTML as it goes over the wire, plain and compressed (node:http: no automatic decompression). */
async function htmlSizes(base: string): Promise<{ identity: number; compressed: number; encoding: string }> {
  const web = new WebClient(base);
  await web.get('/login');
  const login = await web.postForm('/login', { email: EMAIL, password: PASSWORD, _csrf: web.csrf() });
  if (login.statusCode !== 302) throw new Error(`log-in failed: ${login.statusCode}`);
  const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = (encoding: string | undefined) =>
    new Promise<{ bytes: number; encoding: string }>((resolve, reject) => {
      const headers: Record<string, string> = { cookie, accept: 'text/html' };
      if (encoding !== undefined) headers['accept-encoding'] = encoding;
      http
        .get(`${base}/products?per=${PRODUCTS}`, { headers }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? '') }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  const identity = await get(undefined);
  const compressed = await get('gzip, br');
  return { identity: identity.bytes, compressed: compressed.bytes, encoding: compressed.encoding };
}

await main();
