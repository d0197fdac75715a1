/**
 * Signed media links stay private (issue 13, finding 8): the app's own signed `/media/…`
 * answers may be cached by the browser alone and only while the signature is valid, and no
 * log line carries a signature or a presigned URL's credential.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, serializeRequest } from '../../src/logger.js';
import { IMMUTABLE_CACHE_CONTROL } from '../../src/media/index.js';
import { redactUrl } from '../../src/redact-url.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';

/** A logger writing into memory, as the app's own would write to stdout. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination: stream }), lines };
}

describe('signed media on the local driver', () => {
  let t: TestApp;
  const log = capturedLogger();
  const key = 't/1/img/0192f4a1-0000-7000-8000-000000000000/w480.webp';

  beforeAll(async () => {
    t = await startTestApp('pglite+local', { logger: log.logger });
    await t.runtime.store.put(key, Buffer.from('RIFF....WEBP'), { contentType: 'image/webp', cacheControl: IMMUTABLE_CACHE_CONTROL });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is served `private, max-age=` the seconds its signature has left, never the stored public, immutable header', async () => {
    const signed = new URL(await t.runtime.delivery.signedUrl(t.runtime.store, key, { expiresIn: 90 }));
    const expires = Number(signed.searchParams.get('expires'));
    const before = Date.now();
    const res = await t.app.inject({ method: 'GET', url: signed.pathname + signed.search });
    const after = Date.now();
    expect(res.statusCode).toBe(200);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(String(res.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(expires - Math.ceil(after / 1000));
    expect(maxAge).toBeLessThanOrEqual(expires - Math.ceil(before / 1000));
    expect(maxAge).toBeLessThanOrEqual(90);

    // A revalidation (304) says the same; a link about to expire may not be kept at all.
    const notModified = await t.app.inject({
      method: 'GET',
      url: signed.pathname + signed.search,
      headers: { 'if-none-match': String(res.headers.etag) },
    });
    expect([notModified.statusCode, notModified.headers['cache-control']]).toEqual([304, expect.stringMatching(/^private, max-age=\d+$/)]);
    const last = new URL(await t.runtime.delivery.signedUrl(t.runtime.store, key, { expiresIn: 1 }));
    const lastSecond = await t.app.inject({ method: 'HEAD', url: last.pathname + last.search });
    expect(lastSecond.headers['cache-control']).toMatch(/^private, max-age=[01]$/);
  });

  it('is logged without its signature', async () => {
    const signed = new URL(await t.runtime.delivery.signedUrl(t.runtime.store, key, { expiresIn: 60 }));
    const signature = signed.searchParams.get('signature')!;
    expect((await t.app.inject({ method: 'GET', url: signed.pathname + signed.search })).statusCode).toBe(200);
    // A presigned S3 URL's parts, sent to the app, are masked the same way.
    const presigned =
      '/media/x?X-Amz-Credential=AKIDSECRET%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=feedface0123&X-Amz-Security-Token=tok3n';
    expect((await t.app.inject({ method: 'GET', url: presigned })).statusCode).toBe(403);

    await vi.waitFor(() => expect(log.lines.filter((line) => line.includes('"url":"/media/')).length).toBeGreaterThanOrEqual(2));
    const all = log.lines.join('\n');
    for (const secret of [signature, 'AKIDSECRET', 'feedface0123', 'tok3n']) expect(all).not.toContain(secret);
    const urls = log.lines.map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url).filter((url) => url !== undefined);
    expect(urls).toContain(`${signed.pathname}?expires=${signed.searchParams.get('expires')}&signature=***`);
    expect(urls).toContain('/media/x?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***');
  });
});

describe('log redaction', () => {
  it('masks secret query parameters and user parts of URLs, and nothing else', () => {
    expect(redactUrl('postgress://user:hunter2@db/x')).toBe('postgress://user:***@db/x');
    expect(redactUrl('postgres://user@db/x?sslmode=require&password=hunter2')).toBe('postgres://***@db/x?sslmode=require&password=***');
    expect(redactUrl('user:p/a?s@db:5432/x')).toBe('user:***@db:5432/x');
    expect(redactUrl('http://ghp_token@host/')).toBe('http://***@host/');
    expect(redactUrl('/products?q=tea&page=2')).toBe('/products?q=tea&page=2');
    expect(redactUrl('/login?next=%2Fproducts%3Fq%3Da%40b')).toBe('/login?next=%2Fproducts%3Fq%3Da%40b');
    expect(redactUrl('/x?api%5Fkey=1&Signature=2&sslpassword=3&token')).toBe('/x?api%5Fkey=***&Signature=***&sslpassword=***&token');
    expect(serializeRequest({ method: 'GET', url: '/media/a?signature=ab', host: 'h', ip: '127.0.0.1' })).toEqual({
      method: 'GET',
      url: '/media/a?signature=***',
      host: 'h',
      remoteAddress: '127.0.0.1',
      remotePort: undefined,
    });
  });

  it("keeps what AWS S3 copies into a refused request's error (key id, string to sign) out of the log", () => {
    const log = capturedLogger();
    const err = Object.assign(new Error('The request signature we calculated does not match the signature you provided.'), {
      name: 'SignatureDoesNotMatch',
      AWSAccessKeyId: 'AKIAEXAMPLESECRET',
      StringToSign: 'AWS4-HMAC-SHA256\n20260101T000000Z\nsecret-scope',
      SignatureProvided: 'cafe0123babe',
      CanonicalRequest: 'GET\n/bucket\nsecret-canonical',
    });
    log.logger.error({ err, accessKeyId: 'AKIATOP', s3: { secretAccessKey: 'nested-secret' } }, 'the object store refused the request');
    const line = log.lines.join('\n');
    for (const secret of ['AKIAEXAMPLESECRET', 'secret-scope', 'cafe0123babe', 'secret-canonical', 'AKIATOP', 'nested-secret'])
      expect(line).not.toContain(secret);
    expect(line).toContain('The request signature we calculated does not match');
  });
});
