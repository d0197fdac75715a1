/**
 * checkedFetch against a real HTTP server on 127.0.0.1 (finding 5 of issue 13): loopback in
 * every spelling, private and metadata addresses refused before any connection; a redirect to
 * loopback refused at its hop; a late answer, a trickled body and a name that never resolves cut
 * off at their limits (set small here, with servers
 * that would answer far later, so a loaded machine cannot make them pass or fail by chance); Ctrl-C still ends a request at once.
 *
 * The redirect test needs a first hop that is allowed although the only server is on loopback:
 * the injected resolver maps `cdn.test` to 127.0.0.1 and the injected check lets that one name
 * through, so every other hop meets the real check.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AddressCheck, Resolve } from '../../src/catalog/legacy-import/checked-lookup.js';
import { checkedFetch, type CheckedFetchOptions } from '../../src/catalog/legacy-import/checked-fetch.js';
import { addressRefusal } from '../../src/catalog/legacy-import/network-address.js';
import { isAppError } from '../../src/errors.js';

const IMAGE = Buffer.from('not really a jpeg, but bytes');
const HINT = '; use --allow-private-network to import from your own network';
let server: Server;
let port: number;
const hits = new Map<string, number>();
const sockets = new Set<Socket>();
/** Called when /late is requested (the Ctrl-C test aborts there). */
let onLate: (() => void) | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/image.jpg' || path === '/secret') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(IMAGE);
    else if (path === '/to-loopback') res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
    else if (path === '/to-inner') res.writeHead(301, { location: `http://inner.test:${port}/secret` }).end();
    else if (path === '/to-mapped') res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${port}/secret` }).end();
    else if (path === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else if (path === '/to-image') res.writeHead(303, { location: '/image.jpg' }).end();
    else if (path === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else if (path === '/forbidden') res.writeHead(403).end();
    else if (path === '/huge') res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
    else if (path === '/late') {
      onLate?.();
      const timer = setTimeout(() => res.writeHead(200).end(IMAGE), 5000);
      res.on('close', () => clearTimeout(timer));
    } else if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).flushHeaders();
      const timer = setInterval(() => res.write('x'), 40);
      res.on('close', () => clearInterval(timer));
    } else res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Test names: cdn.test, inner.test and shop.test are this server; stuck.test never resolves. */
const resolve: Resolve = (hostname) => {
  if (hostname === 'stuck.test') return new Promise(() => undefined);
  if (['cdn.test', 'inner.test', 'shop.test'].includes(hostname)) return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
  return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
};
/** The real check, except that cdn.test counts as public (the first hop of the redirect tests). */
const cdnIsPublic: AddressCheck = (address, hostname) => (hostname === 'cdn.test' ? undefined : addressRefusal(address, false));
/** Limits that a loaded machine still meets; each time-limit test makes its own limit small. */
const base: CheckedFetchOptions = {
  maxBytes: 1000,
  allowPrivateNetwork: false,
  resolve,
  timeouts: { connectMs: 5000, headersMs: 5000, bodyMs: 5000 },
};
/** /late answers after 5 s and /trickle never ends: a limit that did not fire would show as a success or a test timeout. */
const lateLimit = { headersMs: 150 };
const trickleLimit = { bodyMs: 250 };

async function failure(url: string, options: Partial<CheckedFetchOptions> = {}): Promise<{ code: string; message: string; ms: number }> {
  const started = performance.now();
  try {
    await checkedFetch(new URL(url), { ...base, ...options });
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { code: err.code, message: err.message, ms: performance.now() - started };
  }
  throw new Error(`${url} was fetched`);
}

describe('checkedFetch refuses addresses inside', () => {
  it('refuses loopback in every spelling the URL parser accepts, before connecting', async () => {
    hits.clear();
    const spellings = ['127.0.0.1', '2130706433', '0x7f.1', '017700000001', '0177.0.0.1', '127.1', '127.0.0.1.', '%31%32%37.0.0.1'];
    for (const host of spellings) {
      expect(await failure(`http://${host}:${port}/image.jpg`), host).toMatchObject({
        code: 'Forbidden',
        message: `refused: 127.0.0.1 is a loopback address${HINT}`,
      });
    }
    expect((await failure(`http://[::ffff:127.0.0.1]:${port}/image.jpg`)).message).toBe(
      `refused: ::ffff:7f00:1 (IPv4 127.0.0.1) is a loopback address${HINT}`,
    );
    expect((await failure(`http://[::1]:${port}/image.jpg`)).message).toBe(`refused: ::1 is a loopback address${HINT}`);
    expect((await failure(`http://[::127.0.0.1]:${port}/image.jpg`)).message).toBe('refused: ::7f00:1 is a reserved address');
    expect((await failure(`http://0:${port}/image.jpg`)).message).toBe('refused: 0.0.0.0 is an unspecified address');
    // A name: resolved by the system (/etc/hosts), then checked.
    expect((await failure(`http://localhost:${port}/image.jpg`, { resolve: undefined })).message).toMatch(
      /^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address; use --allow-private-network/,
    );
    expect(hits.get('/image.jpg')).toBeUndefined();
    expect(sockets.size).toBe(0);
  });

  it('refuses private and metadata addresses, and a name that resolves to loopback', async () => {
    expect((await failure('http://10.0.0.1/x.jpg')).message).toBe(`refused: 10.0.0.1 is a private address${HINT}`);
    expect((await failure('http://192.168.1.20/x.jpg')).message).toBe(`refused: 192.168.1.20 is a private address${HINT}`);
    expect((await failure('http://100.64.1.1/x.jpg')).message).toBe(`refused: 100.64.1.1 is a private (carrier-grade NAT) address${HINT}`);
    expect((await failure('http://[fd00::5]/x.jpg')).message).toBe(`refused: fd00::5 is a private (unique local) address${HINT}`);
    // The metadata address stays refused with the private network allowed, in either notation.
    expect((await failure('http://169.254.169.254/latest/meta-data/', { allowPrivateNetwork: true })).message).toBe(
      'refused: 169.254.169.254 is the cloud metadata address',
    );
    expect((await failure('http://[::ffff:169.254.169.254]/latest/meta-data/', { allowPrivateNetwork: true })).message).toBe(
      'refused: ::ffff:a9fe:a9fe (IPv4 169.254.169.254) is the cloud metadata address',
    );
    hits.clear();
    expect((await failure(`http://shop.test:${port}/image.jpg`)).message).toBe(
      `refused: shop.test resolves to 127.0.0.1, a loopback address${HINT}`,
    );
    expect(hits.size).toBe(0);
  });

  it('fetches from the own network with allowPrivateNetwork, connecting to the address it resolved', async () => {
    expect(await checkedFetch(new URL(`http://127.0.0.1:${port}/image.jpg`), { ...base, allowPrivateNetwork: true })).toEqual(IMAGE);
    // shop.test exists only in the injected resolver: the socket went where the check looked.
    expect(await checkedFetch(new URL(`http://shop.test:${port}/image.jpg`), { ...base, allowPrivateNetwork: true })).toEqual(IMAGE);
  });
});

describe('checkedFetch at every redirect', () => {
  it('refuses a redirect from an allowed host to loopback, without following it', async () => {
    hits.clear();
    const literal = await failure(`http://cdn.test:${port}/to-loopback`, { checkAddress: cdnIsPublic });
    expect(literal).toMatchObject({
      code: 'Forbidden',
      message: `refused: it redirects to http://127.0.0.1:${port}/secret, and 127.0.0.1 is a loopback address${HINT}`,
    });
    const named = await failure(`http://cdn.test:${port}/to-inner`, { checkAddress: cdnIsPublic });
    expect(named.message).toBe(
      `refused: it redirects to http://inner.test:${port}/secret, and inner.test resolves to 127.0.0.1, a loopback address${HINT}`,
    );
    const mapped = await failure(`http://cdn.test:${port}/to-mapped`, { checkAddress: cdnIsPublic });
    expect(mapped.message).toMatch(/and ::ffff:7f00:1 \(IPv4 127\.0\.0\.1\) is a loopback address/);
    expect([hits.get('/to-loopback'), hits.get('/to-inner'), hits.get('/to-mapped'), hits.get('/secret')]).toEqual([1, 1, 1, undefined]);
  });

  it('follows allowed redirects, at most 5, and only to http(s)', async () => {
    expect(await checkedFetch(new URL(`http://cdn.test:${port}/to-image`), { ...base, checkAddress: cdnIsPublic })).toEqual(IMAGE);
    expect(await checkedFetch(new URL(`http://127.0.0.1:${port}/to-loopback`), { ...base, allowPrivateNetwork: true })).toEqual(IMAGE);
    hits.clear();
    expect((await failure(`http://cdn.test:${port}/loop`, { checkAddress: cdnIsPublic })).message).toBe(
      `could not be fetched: more than 5 redirects (redirected to http://cdn.test:${port}/loop)`,
    );
    expect(hits.get('/loop')).toBe(6);
    expect((await failure(`http://cdn.test:${port}/to-file`, { checkAddress: cdnIsPublic })).message).toBe(
      'could not be fetched: it redirects to file:///etc/passwd, which is not an http(s) URL',
    );
  });
});

describe('checkedFetch time limits', () => {
  it('cuts off a server that answers after the headers limit, and closes the connection', async () => {
    const late = await failure(`http://127.0.0.1:${port}/late`, { allowPrivateNetwork: true, timeouts: lateLimit });
    expect(late).toMatchObject({ code: 'Unavailable', message: 'could not be fetched: no answer within 0.15 s' });
    expect(late.ms).toBeLessThan(3000);
    await vi.waitFor(() => expect(sockets.size).toBe(0));
  });

  it('cuts off a body trickled a byte at a time at the whole-body limit', async () => {
    const slow = await failure(`http://127.0.0.1:${port}/trickle`, { allowPrivateNetwork: true, timeouts: trickleLimit });
    expect(slow).toMatchObject({
      code: 'Unavailable',
      message: 'could not be fetched: the image took longer than 0.25 s to arrive (the limit for one image)',
    });
    expect(slow.ms).toBeLessThan(3000);
    await vi.waitFor(() => expect(sockets.size).toBe(0));
  });

  // The old importer's fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]) })
  // answered 200 after 45 s: once garbage is collected, nothing holds that signal and it never fires.
  it('keeps its limits while garbage is collected', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 20);
    try {
      const late = await failure(`http://127.0.0.1:${port}/late`, { allowPrivateNetwork: true, timeouts: lateLimit });
      expect([late.message, late.ms < 3000]).toEqual(['could not be fetched: no answer within 0.15 s', true]);
      const slow = await failure(`http://127.0.0.1:${port}/trickle`, { allowPrivateNetwork: true, timeouts: trickleLimit });
      expect([slow.message, slow.ms < 3000]).toEqual([
        'could not be fetched: the image took longer than 0.25 s to arrive (the limit for one image)',
        true,
      ]);
    } finally {
      clearInterval(collecting);
    }
  });

  it('cuts off a connection that is never made (a name that never resolves) at the connect limit', async () => {
    const stuck = await failure(`http://stuck.test:${port}/image.jpg`, { timeouts: { connectMs: 100, headersMs: 5000, bodyMs: 5000 } });
    expect(stuck).toMatchObject({ code: 'Unavailable', message: `could not be fetched: no connection to stuck.test:${port} within 0.1 s` });
    expect(stuck.ms).toBeLessThan(3000);
  });

  it('ends a request at once when the run is interrupted (Ctrl-C)', async () => {
    const controller = new AbortController();
    onLate = () => controller.abort();
    try {
      const aborted = await failure(`http://127.0.0.1:${port}/late`, {
        allowPrivateNetwork: true,
        signal: controller.signal,
        timeouts: { headersMs: 5000 },
      });
      expect(aborted.code).toBe('Aborted');
      expect(aborted.ms).toBeLessThan(3000);
    } finally {
      onLate = undefined;
    }
    await vi.waitFor(() => expect(sockets.size).toBe(0));
  });
});

describe('checkedFetch answers', () => {
  it('says what went wrong: 404, 403, too large, a name not found', async () => {
    const options = { allowPrivateNetwork: true };
    expect(await failure(`http://127.0.0.1:${port}/nope.jpg`, options)).toMatchObject({
      code: 'NotFound',
      message: 'not found (HTTP 404)',
    });
    expect((await failure(`http://127.0.0.1:${port}/forbidden`, options)).message).toMatch(
      /^could not be fetched \(HTTP 403\); if it is in the old app's private bucket, give that S3's endpoint and credentials/,
    );
    expect(await failure(`http://127.0.0.1:${port}/huge`, options)).toMatchObject({ code: 'TooLarge' });
    expect((await failure(`http://nowhere.test:${port}/x.jpg`, options)).message).toBe(
      'could not be fetched: the name nowhere.test was not found',
    );
  });
});
