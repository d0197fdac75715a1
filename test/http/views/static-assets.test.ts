import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app-context.js';
import staticAssets from '../../../src/http/routes/static-assets.js';

const app = Fastify();
beforeAll(async () => {
  await app.register(async (scope) => staticAssets(scope, {} as AppContext));
  await app.ready();
});
afterAll(() => app.close());

describe('static assets', () => {
  it.each([
    ['/assets/app.js', 'text/javascript; charset=utf-8', 'enhanceUploadForm'],
    ['/assets/app.css', 'text/css; charset=utf-8', '.dropzone'],
  ])('serves %s with type, cache headers and an ETag', async (url, type, snippet) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain(snippet);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('does not serve other files', async () => {
    expect((await app.inject({ url: '/assets/../package.json' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/other.js' })).statusCode).toBe(404);
  });
});
