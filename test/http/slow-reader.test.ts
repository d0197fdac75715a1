/**
 * A client that reads its answer slowly (issue 13 review): one that takes a chunk of a large
 * GET every 100 ms keeps re-arming its socket's idle timer, so only a deadline on the whole
 * response (HTTP_RESPONSE_TIMEOUT_MS) ends it — with its local file handle — and one log line
 * says so. A real socket on 127.0.0.1, large objects on the local driver; the idle timeout is
 * set longer than the test, as the default 30 s is longer than a chunk every 700 ms.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';

const IDLE_MS = 20_000;
const REQUEST_MS = 400;
const RESPONSE_MS = 800;
/** Scheduling slack on a loaded machine. */
const SLACK_MS = 1000;
/** Far more than the loopback socket buffers on both sides hold (Linux lets a receiver's grow to 32 MiB). */
const LARGE = 64 * 1024 * 1024;
const SMALL = 1024 * 1024;

describe('a client that reads a large answer slowly', () => {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split('\n').filter(Boolean)), done()),
    }),
  });
  let t: TestApp;
  const paths = { large: '', small: '' };

  beforeAll(async () => {
    t = await startTestApp('pglite+local', {
      listen: true,
      logger,
      env: {
        HTTP_IDLE_TIMEOUT_MS: String(IDLE_MS),
        HTTP_HEADERS_TIMEOUT_MS: String(REQUEST_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
        HTTP_RESPONSE_TIMEOUT_MS: String(RESPONSE_MS),
      },
    });
    for (const [name, size] of [
      ['large', LARGE],
      ['small', SMALL],
    ] as const) {
      const key = `t/1/img/0192f4a1-0000-7000-8000-00000000bead/${name}.webp`;
      await t.runtime.store.put(key, Buffer.alloc(size, 0x5a), { contentType: 'image/webp' });
      const signed = new URL(await t.runtime.delivery.signedUrl(t.runtime.store, key, { expiresIn: 600 }));
      paths[name] = signed.pathname + signed.search;
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const connections = () =>
    new Promise<number>((resolve, reject) => t.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

  /** GETs `path`, taking one chunk every `everyMs` (or everything at once when undefined). */
  function get(path: string, everyMs: number | undefined) {
    const socket = net.connect(Number(new URL(t.baseUrl!).port), '127.0.0.1');
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // One chunk, then nothing until the next turn of the timer.
      if (everyMs !== undefined) socket.pause();
    });
    socket.on('error', () => undefined);
    const timer = everyMs === undefined ? undefined : setInterval(() => socket.resume(), everyMs);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return {
      received: () => received,
      closed,
      stop: () => {
        clearInterval(timer);
        socket.destroy();
      },
    };
  }

  it('is cut off HTTP_RESPONSE_TIMEOUT_MS after its request arrived, though bytes keep moving, with one log line', async () => {
    const started = performance.now();
    const slow = get(paths.large, 100);
    try {
      // The server's end of the socket is gone (what the kernel already took may still trickle to the client).
      await vi.waitFor(() => expect(lines.some((line) => line.includes('"event":"response-deadline"'))).toBe(true), {
        timeout: RESPONSE_MS + SLACK_MS,
        interval: 20,
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(RESPONSE_MS - 50);
      await vi.waitFor(async () => expect(await connections()).toBe(0), { timeout: SLACK_MS, interval: 20 });
      // It was reading all along, but got nowhere near the end.
      expect(slow.received()).toBeGreaterThan(0);
      expect(slow.received()).toBeLessThan(LARGE);
      const cut = lines.filter((line) => line.includes('"event":"response-deadline"'));
      expect(cut).toHaveLength(1);
      expect(cut[0]).toContain('HTTP_RESPONSE_TIMEOUT_MS');
    } finally {
      slow.stop();
    }
  });

  it('lets a client that reads at once take the whole answer', async () => {
    const fast = get(paths.small, undefined);
    await fast.closed;
    expect(fast.received()).toBeGreaterThan(SMALL);
  });
});
