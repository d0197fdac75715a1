/**
 * What the API tests share: a tenant with an API key (made with the tenancy functions, as
 * `vitrina apikey create` does), requests with its Bearer token over `app.inject`, multipart
 * bodies built by undici's FormData, and fetching the URL of an image variant the way a client
 * would — over HTTP from S3 (signed URLs), or from the app's own /media route (local driver).
 *
 * @example
 *   const a = await apiTenant(t, 'Acme');
 *   const res = await a.request('POST', '/api/v1/products', { json: { sku: 'T-1', name: 'Tea', sale_price: '4.50' } });
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Readable } from 'node:stream';
import { createApiKey } from '../../src/tenancy/api-keys.js';
import { signUp } from '../../src/tenancy/tenancy.service.js';
import type { TestApp } from '../support/app-harness.js';

/** Cheap scrypt for test sign-ups (nobody logs in with these passwords). */
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  /** Sent as application/json. */
  json?: unknown;
  payload?: string | Buffer | Readable;
  headers?: Record<string, string>;
}

export interface ApiTenant {
  tenantId: number;
  keyId: number;
  token: string;
  request(method: Method, url: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
}

export async function send(
  t: TestApp,
  token: string | undefined,
  method: Method,
  url: string,
  options: RequestOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...options.headers };
  if (options.json !== undefined) {
    return t.app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(options.json),
    });
  }
  return t.app.inject({ method, url, headers, ...(options.payload === undefined ? {} : { payload: options.payload }) });
}

export async function apiTenant(t: TestApp, name: string): Promise<ApiTenant> {
  const { tenant } = await signUp(
    t.runtime.db,
    { tenantName: name, email: `${randomUUID()}@example.test`, password: 'correct horse battery' },
    { scrypt: FAST_SCRYPT },
  );
  const key = await createApiKey(t.runtime.db, { tenantId: tenant.id, name: 'tests' });
  return {
    tenantId: tenant.id,
    keyId: key.id,
    token: key.token,
    request: (method, url, options) => send(t, key.token, method, url, options),
  };
}

/** A multipart/form-data body with one file, as a browser or `curl -F` sends it. */
export async function multipart(
  field: string,
  bytes: Buffer,
  fileName: string,
  type: string,
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), fileName);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type')! } };
}

/** A small but real PDF header: what `file-type` calls application/pdf. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

export interface Fetched {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** GETs an image URL as a client would: S3 over HTTP; the local driver's /media URL through the app. */
export async function fetchImageUrl(t: TestApp, url: string): Promise<Fetched> {
  if (t.stack === 'pglite+local') {
    const parsed = new URL(url);
    const res = await t.app.inject({ method: 'GET', url: `${parsed.pathname}${parsed.search}` });
    return { status: res.statusCode, contentType: res.headers['content-type']?.toString(), body: res.rawPayload };
  }
  const res = await fetch(url);
  return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: Buffer.from(await res.arrayBuffer()) };
}

/** The distinct asset prefixes (`t/{tenant}/img/{asset}/`) among `keys`, and whether any key is elsewhere. */
export function assetPrefixes(keys: string[]): Set<string> {
  return new Set(keys.map((k) => /^t\/\d+\/img\/[0-9a-f-]{36}\//.exec(k)?.[0] ?? k));
}
