import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/tenancy/api-keys.js';
import { STACKS, startTestApp, type TestApp } from '../support/app-harness.js';
import { apiTenant, multipart, send, type Method } from './api-client.js';
import { makeImage } from '../media/media-fixtures.js';

/** Every route of the API, as Fastify and as the OpenAPI document spell it. */
const ROUTES: ReadonlyArray<{ method: Method; url: string; path: string }> = [
  { method: 'GET', url: '/api/v1/products', path: '/api/v1/products' },
  { method: 'POST', url: '/api/v1/products', path: '/api/v1/products' },
  { method: 'GET', url: '/api/v1/products.csv', path: '/api/v1/products.csv' },
  { method: 'GET', url: '/api/v1/products/:id', path: '/api/v1/products/{id}' },
  { method: 'PATCH', url: '/api/v1/products/:id', path: '/api/v1/products/{id}' },
  { method: 'DELETE', url: '/api/v1/products/:id', path: '/api/v1/products/{id}' },
  { method: 'POST', url: '/api/v1/products/:id/restore', path: '/api/v1/products/{id}/restore' },
  { method: 'PUT', url: '/api/v1/products/:id/image', path: '/api/v1/products/{id}/image' },
  { method: 'DELETE', url: '/api/v1/products/:id/image', path: '/api/v1/products/{id}/image' },
  { method: 'GET', url: '/api/v1/openapi.json', path: '/api/v1/openapi.json' },
];

const HOW_TO = 'vitrina apikey create --tenant ID --name NAME';

describe.each(STACKS)('API keys and the OpenAPI document on %s', (stack) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(stack);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 401 with WWW-Authenticate: Bearer and how to get a key when there is no key', async () => {
    const headerSets: Record<string, string>[] = [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }];
    for (const headers of headerSets) {
      const res = await send(t, undefined, 'GET', '/api/v1/products', { headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="vitrina"$/);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ error: { code: 'Unauthorized', message: expect.stringContaining(HOW_TO) } });
    }
  });

  it('answers 401 invalid_token for a malformed or unknown key, on every protected route', async () => {
    for (const token of ['garbage', `vk_${'0'.repeat(12)}_${'A'.repeat(43)}`]) {
      for (const route of ROUTES.filter((r) => !r.url.endsWith('openapi.json'))) {
        const res = await send(t, token, route.method, route.url.replace(':id', '1'));
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="vitrina", error="invalid_token"');
        expect(res.json().error).toEqual({ code: 'Unauthorized', message: expect.stringContaining(HOW_TO) });
      }
    }
  });

  it('refuses writes without a key before reading the body: nothing created, nothing stored', async () => {
    const a = await apiTenant(t, 'Keyless');
    const created = await send(t, undefined, 'POST', '/api/v1/products', { json: { sku: 'K-1', name: 'Kettle', sale_price: '10' } });
    expect(created.statusCode).toBe(401);
    const product = (await a.request('POST', '/api/v1/products', { json: { sku: 'K-2', name: 'Kettle', sale_price: '10' } })).json();
    const form = await multipart('image', await makeImage('jpeg', 64, 48), 'k.jpg', 'image/jpeg');
    const upload = await send(t, undefined, 'PUT', `/api/v1/products/${product.id}/image`, form);
    expect(upload.statusCode).toBe(401);
    expect((await a.request('GET', '/api/v1/products')).json().total).toBe(1);
    expect(await t.raw.listKeys(`t/${a.tenantId}/`)).toEqual([]);
  });

  it('accepts a valid key, and refuses it with 401 once revoked', async () => {
    const a = await apiTenant(t, 'Revoker');
    expect((await a.request('GET', '/api/v1/products')).statusCode).toBe(200);
    // The scheme is case-insensitive (RFC 9110).
    expect((await send(t, undefined, 'GET', '/api/v1/products', { headers: { authorization: `bearer ${a.token}` } })).statusCode).toBe(200);
    expect(await revokeApiKey(t.runtime.db, a.tenantId, a.keyId)).toBe(true);
    const res = await a.request('GET', '/api/v1/products');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(res.json().error.message).toMatch(/revoked/);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await send(t, undefined, 'GET', '/api/v1/nothing-here', { headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
  });

  it('serves openapi.json without a key: OpenAPI 3.1 naming every route, the schemas and the error shape', async () => {
    const res = await send(t, undefined, 'GET', '/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: {
        schemas: Record<string, { properties?: Record<string, unknown> }>;
        securitySchemes: Record<string, { scheme?: string }>;
      };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path} documented`).toBeDefined();
      expect(t.app.hasRoute({ method: route.method, url: route.url }), `${route.method} ${route.url} registered`).toBe(true);
    }
    // …and documents nothing that is not there.
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => k !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Product', 'Image', 'Variant', 'ProductList', 'ProductCreate', 'ProductPatch', 'Error']),
    );
    expect(Object.keys(doc.components.schemas.Error!.properties!)).toEqual(['error']);
    expect(doc.components.securitySchemes.apiKey!.scheme).toBe('bearer');
    // The upload limit documented is the configured one.
    expect(JSON.stringify(doc.paths['/api/v1/products/{id}/image'])).toContain(`${t.config.maxUploadSize} bytes`);
  });
});
