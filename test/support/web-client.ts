/**
 * A browser-like client for page tests, over `app.inject` or over real HTTP to a running
 * server (a base URL): keeps cookies, reads the CSRF token of the last page, posts
 * url-encoded and multipart forms (multipart bodies are built by undici's FormData, as a
 * browser would send them). Redirects are not followed.
 *
 * @example
 *   const web = new WebClient(t.app);
 *   await web.signUp('Acme', 'ana@acme.test');
 *   const res = await web.postMultipart('/products/new', { name: 'Tea', … }, { name: 'tea.jpg', bytes, type: 'image/jpeg' });
 */
import type { FastifyInstance } from 'fastify';

/** What tests read of a response, the same over inject and over HTTP. */
export interface WebResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  cookies: { name: string; value: string; maxAge?: number; expires?: Date | string }[];
}

export interface FilePart {
  name: string;
  bytes: Buffer;
  type: string;
  /** Form field (default `image`). */
  field?: string;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  lastBody = '';

  constructor(
    private readonly target: FastifyInstance | string,
    private readonly headers: Record<string, string> = { accept: 'text/html' },
    /** The client's address over `app.inject` (request.ip), e.g. to log in from two places. */
    private readonly remoteAddress?: string,
  ) {}

  private async send(method: string, url: string, headers: Record<string, string>, payload?: string | Buffer): Promise<WebResponse> {
    const all = { ...this.headers, cookie: this.cookieHeader(), ...headers };
    if (typeof this.target !== 'string') {
      const res = await this.target.inject({ method: method as 'GET', url, headers: all, payload, remoteAddress: this.remoteAddress });
      return { statusCode: res.statusCode, headers: res.headers as WebResponse['headers'], body: res.body, cookies: res.cookies };
    }
    const body = typeof payload === 'string' || payload === undefined ? payload : new Uint8Array(payload);
    const res = await fetch(new URL(url, this.target), { method, headers: all, body, redirect: 'manual' });
    const out: WebResponse['headers'] = {};
    res.headers.forEach((v, k) => (out[k] = v));
    const cookies = res.headers.getSetCookie().map((line) => {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const maxAge = attrs.map((a) => /^\s*max-age=(\d+)/i.exec(a)?.[1]).find((v) => v !== undefined);
      const expires = attrs.map((a) => /^\s*expires=(.+)$/i.exec(a)?.[1]).find((v) => v !== undefined);
      return {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        maxAge: maxAge === undefined ? undefined : Number(maxAge),
        expires,
      };
    });
    return { statusCode: res.status, headers: out, body: await res.text(), cookies };
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: WebResponse): WebResponse {
    for (const c of res.cookies) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && new Date(c.expires).getTime() <= Date.now()) || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    if ((res.headers['content-type'] ?? '').toString().startsWith('text/html')) this.lastBody = res.body;
    return res;
  }

  /** The `_csrf` value of the last page received. */
  csrf(): string {
    const m = /name="_csrf" value="([^"]*)"/.exec(this.lastBody);
    if (!m) throw new Error('the last page has no CSRF token');
    return m[1]!;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<WebResponse> {
    return this.remember(await this.send('GET', url, headers));
  }

  async postForm(url: string, fields: Record<string, string>): Promise<WebResponse> {
    return this.remember(
      await this.send('POST', url, { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams(fields).toString()),
    );
  }

  async postMultipart(url: string, fields: Record<string, string>, file?: FilePart): Promise<WebResponse> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append(file.field ?? 'image', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const request = new Request('http://localhost/', { method: 'POST', body: form });
    const payload = Buffer.from(await request.arrayBuffer());
    return this.remember(await this.send('POST', url, { 'content-type': request.headers.get('content-type')! }, payload));
  }

  /** Loads the new-product form (for its CSRF token) and posts it; the answer as received. */
  async createProduct(fields: Record<string, string>, file?: FilePart): Promise<WebResponse> {
    await this.get('/products/new');
    return this.postMultipart('/products/new', { ...fields, _csrf: this.csrf() }, file);
  }

  /** Signs up a new tenant through the pages and stays logged in. */
  async signUp(tenantName: string, email: string, password = 'correct horse battery'): Promise<void> {
    await this.get('/signup');
    const res = await this.postForm('/signup', { tenant_name: tenantName, email, password, _csrf: this.csrf() });
    if (res.statusCode !== 302) throw new Error(`sign-up failed with ${res.statusCode}: ${res.body.slice(0, 300)}`);
  }
}

/** The product form's fields: a bag of coffee unless told otherwise. */
export const productFields = (over: Record<string, string> = {}): Record<string, string> => ({
  name: 'Coffee beans',
  sku: 'COF-1',
  uom_id: '2',
  sale_price: '19.90',
  description: 'Arabica',
  ...over,
});

/** The id in a `/products/{id}` redirect. */
export function productIdFrom(res: WebResponse): number {
  const m = /^\/products\/(\d+)$/.exec(String(res.headers.location ?? ''));
  if (!m) {
    // The form's own messages say why it came back (a field error, the image refused or busy).
    const messages = [...res.body.slice(0, 200_000).matchAll(/class="(?:field|form)-error"[^>]{0,200}>([^<]{1,300})</g)].map((x) => x[1]);
    throw new Error(
      `expected a redirect to /products/{id}, got ${res.statusCode} ${String(res.headers.location)}; the form says: ${JSON.stringify(messages)}`,
    );
  }
  return Number(m[1]);
}
