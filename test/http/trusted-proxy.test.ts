/**
 * Who may say where a request came from and what it is called (issue 13, finding 8): by default
 * nobody — X-Forwarded-For and X-Request-Id are ignored, the log shows the socket's address and
 * an id the server made — and with TRUST_PROXY only the proxies it names, and only a short,
 * plain X-Request-Id. Checked through the request log of an app on a real socket.
 */
import { Writable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdMaker } from '../../src/http/request-id.js';
import { TRUST_ANY_PROXY_MESSAGE } from '../../src/http/start-up-notes.js';
import { proxyTrust } from '../../src/http/trusted-proxy.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('proxyTrust (TRUST_PROXY as a function)', () => {
  it('trusts nobody when off, everybody when on, and the nearest hops by count', () => {
    expect(proxyTrust(false)('127.0.0.1', 0)).toBe(false);
    expect(proxyTrust(true)('198.51.100.1', 5)).toBe(true);
    const twoHops = proxyTrust(2);
    expect([twoHops('10.0.0.1', 0), twoHops('10.0.0.2', 1), twoHops('10.0.0.3', 2)]).toEqual([true, true, false]);
  });

  it('trusts listed addresses, CIDR ranges and named ranges, IPv4 also when written as IPv6', () => {
    const trust = proxyTrust(['10.0.0.0/8', '192.0.2.7', 'loopback', 'fd00::/8']);
    expect(trust('10.20.30.40', 0)).toBe(true);
    expect(trust('::ffff:10.1.1.1', 0)).toBe(true);
    expect(trust('192.0.2.7', 0)).toBe(true);
    expect(trust('192.0.2.8', 0)).toBe(false);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('fd12::1', 0)).toBe(true);
    expect(trust('203.0.113.9', 0)).toBe(false);
    expect(trust(undefined, 0)).toBe(false);
  });

  it('answers at once for a forwarded entry that is not an address, however long', () => {
    const trust = proxyTrust(['uniquelocal']);
    const started = performance.now();
    expect(trust('1'.repeat(64 * 1024), 1)).toBe(false);
    expect(trust(`${'::'.repeat(20_000)}1`, 1)).toBe(false);
    expect(performance.now() - started).toBeLessThan(10);
  });
});

describe('requestIdMaker', () => {
  const req = (remoteAddress: string, id?: string) =>
    ({ headers: id === undefined ? {} : { 'x-request-id': id }, socket: { remoteAddress } }) as unknown as IncomingMessage;

  it("takes a trusted proxy's short, plain X-Request-Id, and makes one for anything else", () => {
    const make = requestIdMaker(proxyTrust(['10.0.0.1']));
    expect(make(req('10.0.0.1', 'a1b2-c3.d4:e5_f6'))).toBe('a1b2-c3.d4:e5_f6');
    expect(make(req('10.0.0.2', 'a1b2'))).toMatch(UUID);
    expect(make(req('10.0.0.1', 'x'.repeat(129)))).toMatch(UUID);
    expect(make(req('10.0.0.1', 'has space'))).toMatch(UUID);
    expect(make(req('10.0.0.1', '<script>'))).toMatch(UUID);
    expect(make(req('10.0.0.1'))).toMatch(UUID);
    expect(make(req('10.0.0.1'))).not.toBe(make(req('10.0.0.1')));
  });
});

describe('forwarded headers on a listening app', () => {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split('\n').filter(Boolean)), done()) }),
  );
  let open: TestApp;
  let behindProxy: TestApp;

  beforeAll(async () => {
    open = await startTestApp('postgres+s3', { listen: true, logger });
    // A second instance on the same data, told that the loopback proxy in front of it is to be believed.
    behindProxy = await startTestApp('postgres+s3', {
      listen: true,
      logger,
      database: open.database,
      shareStorageWith: open,
      env: { TRUST_PROXY: 'loopback' },
    });
  }, 60_000);
  afterAll(async () => {
    await behindProxy?.close();
    await open?.close();
  });

  /** The 'incoming request' log line of a request to `baseUrl` marked with `path`. */
  async function logged(baseUrl: string, path: string, headers: Record<string, string>) {
    await fetch(`${baseUrl}${path}`, { headers });
    const line = lines
      .map((l) => JSON.parse(l) as { msg: string; reqId: string; req?: { url: string; remoteAddress: string } })
      .find((l) => l.msg === 'incoming request' && l.req?.url === path);
    if (line === undefined) throw new Error(`no log line for ${path}`);
    return { reqId: line.reqId, remoteAddress: line.req!.remoteAddress };
  }

  it('ignores X-Forwarded-For and X-Request-Id from anyone by default', async () => {
    const line = await logged(open.baseUrl!, '/healthz?by-default', {
      'x-forwarded-for': '203.0.113.7',
      'x-request-id': 'forged-by-a-client',
    });
    expect(line.remoteAddress).toBe('127.0.0.1');
    expect(line.reqId).toMatch(UUID);
  });

  it('takes them from a proxy TRUST_PROXY names', async () => {
    const line = await logged(behindProxy.baseUrl!, '/healthz?trusted', {
      'x-forwarded-for': '203.0.113.7',
      'x-request-id': 'nginx-4f2a9c',
    });
    expect(line).toEqual({ remoteAddress: '203.0.113.7', reqId: 'nginx-4f2a9c' });
  });

  it("makes its own id when even a trusted proxy's X-Request-Id is long or not plain", async () => {
    expect((await logged(behindProxy.baseUrl!, '/healthz?long', { 'x-request-id': 'a'.repeat(5000) })).reqId).toMatch(UUID);
    expect((await logged(behindProxy.baseUrl!, '/healthz?odd', { 'x-request-id': '"},{"level":60' })).reqId).toMatch(UUID);
  });
});

describe('TRUST_PROXY=true', () => {
  it('is accepted, with a warning at start that any client may then choose its address, and what to set instead', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const t = await startTestApp('pglite+local', { logger, env: { TRUST_PROXY: 'true' } });
    try {
      expect(t.config.http.trustProxy).toBe(true);
      const warnings = lines
        .map((l) => JSON.parse(l) as { level: number; event?: string; msg: string })
        .filter((l) => l.event === 'trust-any-proxy');
      expect(warnings).toEqual([expect.objectContaining({ level: 40, msg: TRUST_ANY_PROXY_MESSAGE })]);
      expect(TRUST_ANY_PROXY_MESSAGE).toMatch(/number of proxies .*or to their addresses/);
    } finally {
      await t.close();
    }
  }, 30_000);
});
