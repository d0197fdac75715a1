/**
 * Clients that are slow or go silent (issue 13, finding 2), against a listening app on real
 * sockets: a stalled request is cut off within HTTP_IDLE_TIMEOUT_MS while an upload made
 * meanwhile is processed at once; headers or a body trickled in past their timeouts get a 408;
 * and a socket that is silent only because the server is working on its request (a slow object
 * store) is not cut.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeImage } from '../media/media-fixtures.js';
import { testS3Config } from '../storage/s3-test-env.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy.js';
import { rawRequest, type RawRequest } from '../support/raw-request.js';
import { productIdFrom, WebClient } from '../support/web-client.js';

const IDLE_MS = 400;
const HEADERS_MS = 300;
const REQUEST_MS = 1500;
/** Scheduling slack on a loaded machine. */
const SLACK_MS = 1000;

describe('slow and silent clients (HTTP timeouts)', () => {
  let store: DelayProxy;
  let t: TestApp;
  let web: WebClient;
  let image: Buffer;
  let seq = 0;

  beforeAll(async () => {
    // The object store behind a proxy that can be made slow to answer.
    store = await startDelayProxy(new URL(testS3Config().endpoint!));
    t = await startTestApp('postgres+s3', {
      listen: true,
      env: {
        S3_ENDPOINT: store.url,
        HTTP_IDLE_TIMEOUT_MS: String(IDLE_MS),
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      },
    });
    web = new WebClient(t.baseUrl!);
    await web.signUp('Slow Shop', 'slow@shop.test');
    image = await makeImage('jpeg', 640, 480);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  const statusOf = async (productId: number) =>
    (
      await t.runtime.db
        .selectFrom('products as p')
        .innerJoin('assets as a', 'a.id', 'p.image_asset_id')
        .select('a.status')
        .where('p.id', '=', productId)
        .executeTakeFirstOrThrow()
    ).status;

  async function upload(): Promise<number> {
    await web.get('/products/new');
    const res = await web.postMultipart(
      '/products/new',
      { name: 'Lamp', sku: `LAMP-${++seq}`, uom_id: '1', sale_price: '12.00', _csrf: web.csrf() },
      { name: 'lamp.jpg', bytes: image, type: 'image/jpeg' },
    );
    expect(res.statusCode).toBe(302);
    return productIdFrom(res);
  }

  /** A product form whose file part has begun (its first 4 KiB) and whose end never comes. */
  async function stalledUpload(sku: string): Promise<RawRequest> {
    await web.get('/products/new');
    const boundary = `----stall${Date.now()}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const start = Buffer.concat([
      Buffer.from(
        field('_csrf', web.csrf()) +
          field('name', 'Stalled') +
          field('sku', sku) +
          field('uom_id', '1') +
          field('sale_price', '1.00') +
          `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      image.subarray(0, 4096),
    ]);
    const cookie = [...web.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const req = await rawRequest(
      t.baseUrl!,
      `POST /products/new HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\nCookie: ${cookie}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${start.length + image.length}\r\n\r\n`,
    );
    await req.write(start);
    return req;
  }

  /** Sends `head`, then one more byte of `rest` every 50 ms until the server closes the connection. */
  async function trickle(head: string, rest: string): Promise<{ elapsedMs: number; response: string }> {
    const started = performance.now();
    const req = await rawRequest(t.baseUrl!, head);
    let i = 0;
    const timer = setInterval(() => void (req.open && i < rest.length ? req.write(rest[i++]!).catch(() => undefined) : undefined), 50);
    const { response } = await req.closed;
    clearInterval(timer);
    return { elapsedMs: performance.now() - started, response };
  }

  it('applies the configured timeouts to the listening server', () => {
    const server = t.app.server;
    expect(server.timeout).toBe(IDLE_MS);
    expect(server.headersTimeout).toBe(HEADERS_MS);
    expect(server.requestTimeout).toBe(REQUEST_MS);
    expect(server.keepAliveTimeout).toBe(72_000);
  });

  it('cuts off a request that stalls in the middle of its body within HTTP_IDLE_TIMEOUT_MS, and processes an upload made meanwhile within 2 s', async () => {
    const stalled = await stalledUpload('STALL-1');
    // Meanwhile, another upload: answered at once, and its image processed without waiting for the stalled one.
    const productId = await upload();
    const uploadedAt = performance.now();

    const { afterMs, response } = await stalled.closed;
    expect(afterMs).toBeGreaterThanOrEqual(IDLE_MS - 100);
    expect(afterMs).toBeLessThan(IDLE_MS + SLACK_MS);
    // Cut, not answered: nobody is listening for an answer to half a form.
    expect(response).toBe('');

    await vi.waitFor(async () => expect(await statusOf(productId)).toBe('ready'), { timeout: 2000, interval: 25 });
    expect(performance.now() - uploadedAt).toBeLessThan(2000);
    // Nothing half-made: the stalled form created no product.
    const rows = await t.runtime.db.selectFrom('products').select('id').where('sku', '=', 'STALL-1').execute();
    expect(rows).toEqual([]);
  });

  it('answers 408 to headers that trickle in past HTTP_HEADERS_TIMEOUT_MS', async () => {
    const { elapsedMs, response } = await trickle('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: ' + 'a'.repeat(1000));
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response).toContain('"code":"RequestTimeout"');
    expect(elapsedMs).toBeLessThan(HEADERS_MS + SLACK_MS);
  });

  it('answers 408 to a body that trickles in past HTTP_REQUEST_TIMEOUT_MS, though its bytes keep moving', async () => {
    const body = `email=slow%40shop.test&password=${'x'.repeat(200)}`;
    const { elapsedMs, response } = await trickle(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_MS - 100);
    expect(elapsedMs).toBeLessThan(REQUEST_MS + SLACK_MS);
  });

  it('answers a request whose headers are over the limit with a 431 in the API error shape', async () => {
    const req = await rawRequest(t.baseUrl!, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const { response } = await req.closed;
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(response).toContain('{"error":{"code":"HeadersTooLarge","message":"The request headers are too large."}}');
  });

  it('keeps a silent socket open while the server works on its request (an object store slow to answer)', async () => {
    await web.get('/products/new');
    store.delayMs = IDLE_MS * 2;
    try {
      const res = await web.postMultipart(
        '/products/new',
        { name: 'Lamp', sku: 'SLOW-STORE', uom_id: '1', sale_price: '12.00', _csrf: web.csrf() },
        { name: 'lamp.jpg', bytes: image, type: 'image/jpeg' },
      );
      expect(res.statusCode).toBe(302);
    } finally {
      store.delayMs = 0;
    }
  }, 20_000);
});
