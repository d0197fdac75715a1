/**
 * The web server's settings (issue 13, findings 2 and 8): timeouts, TRUST_PROXY and the
 * /metrics access settings, with one-line errors naming the variable — and never echoing
 * METRICS_TOKEN, a secret.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('HTTP settings', () => {
  it('defaults: a 2 MiB upload at 256 kbit/s (66 s) fits the request timeout; a silent socket goes much sooner; nobody is trusted', () => {
    const { http, metrics } = loadConfig({});
    expect(http).toEqual({
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 120_000,
      responseTimeoutMs: 180_000,
      idleTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      trustProxy: false,
    });
    expect(((2 * 1024 * 1024 * 8) / 256_000) * 1000).toBeLessThan(http.requestTimeoutMs);
    expect(metrics).toEqual({ token: undefined, port: undefined, host: '127.0.0.1' });
    expect(Object.isFrozen(http) && Object.isFrozen(metrics)).toBe(true);
  });

  it.each([
    ['true', true],
    ['FALSE', false],
    ['0', false],
    ['2', 2],
    ['10.0.0.0/8, 192.0.2.7,loopback', ['10.0.0.0/8', '192.0.2.7', 'loopback']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
  ])('reads TRUST_PROXY=%j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it('reads the timeouts and the metrics settings', () => {
    const config = loadConfig({
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '900',
      HTTP_IDLE_TIMEOUT_MS: '300',
      HTTP_KEEPALIVE_TIMEOUT_MS: '1000',
      METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0',
      METRICS_TOKEN: 'a'.repeat(32),
    });
    expect(config.http).toMatchObject({ headersTimeoutMs: 500, requestTimeoutMs: 900, idleTimeoutMs: 300, keepAliveTimeoutMs: 1000 });
    expect(config.metrics).toEqual({ token: 'a'.repeat(32), port: 9464, host: '0.0.0.0' });
    // A short request timeout pulls the headers timeout's default down with it.
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' }).http.headersTimeoutMs).toBe(5000);
  });

  it('gives a response HTTP_REQUEST_TIMEOUT_MS and a minute by default, and never less than the request', () => {
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' }).http.responseTimeoutMs).toBe(65_000);
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '900', HTTP_RESPONSE_TIMEOUT_MS: '900' }).http.responseTimeoutMs).toBe(900);
    expect(refusal({ HTTP_REQUEST_TIMEOUT_MS: '900', HTTP_RESPONSE_TIMEOUT_MS: '899' })).toBe(
      'HTTP_RESPONSE_TIMEOUT_MS must not be shorter than HTTP_REQUEST_TIMEOUT_MS (900) (got "899")',
    );
  });

  it("reads libuv's pool size (UV_THREADPOOL_SIZE), 4 unless set, 1 to 1024", () => {
    expect(loadConfig({}).threadPoolSize).toBe(4);
    expect(loadConfig({ UV_THREADPOOL_SIZE: '16' }).threadPoolSize).toBe(16);
    expect(refusal({ UV_THREADPOOL_SIZE: '0' })).toMatch(/^UV_THREADPOOL_SIZE must be/);
    expect(refusal({ UV_THREADPOOL_SIZE: '2000' })).toMatch(/^UV_THREADPOOL_SIZE must be between 1 and 1024/);
  });

  it.each([
    [{ HTTP_IDLE_TIMEOUT_MS: '30s' }, 'HTTP_IDLE_TIMEOUT_MS must be a whole number of milliseconds, at least 1 (got "30s")'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '0' }, 'HTTP_REQUEST_TIMEOUT_MS must be a whole number of milliseconds, at least 1 (got "0")'],
    [
      { HTTP_HEADERS_TIMEOUT_MS: '9000', HTTP_REQUEST_TIMEOUT_MS: '5000' },
      'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS (5000) (got "9000")',
    ],
    [{ HTTP_KEEPALIVE_TIMEOUT_MS: '-1' }, 'HTTP_KEEPALIVE_TIMEOUT_MS must be a whole number of milliseconds, at least 1 (got "-1")'],
    [
      { TRUST_PROXY: 'yes please' },
      'TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (got "yes please")',
    ],
    [
      { TRUST_PROXY: '10.0.0.0/8,10.1' },
      'TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (got "10.1")',
    ],
    [
      { TRUST_PROXY: '10.0.0.0/33' },
      'TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (got "10.0.0.0/33")',
    ],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT must be a TCP port between 1 and 65535 other than PORT (3000) (got "3000")'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT must be a TCP port between 1 and 65535 other than PORT (3000) (got "70000")'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(refusal(env)).toBe(message);
  });

  it('refuses a weak METRICS_TOKEN without repeating it', () => {
    for (const token of ['short-secret', 'has a space in the middle of it', 'x'.repeat(300)]) {
      const message = refusal({ METRICS_TOKEN: token });
      expect(message).toBe('METRICS_TOKEN must be 16 to 256 visible ASCII characters without spaces (e.g. `openssl rand -hex 32`)');
      expect(message).not.toContain(token);
    }
  });

  it('checks a long TRUST_PROXY without trying every pattern on it', () => {
    const started = performance.now();
    expect(() => loadConfig({ TRUST_PROXY: `${'1.'.repeat(32 * 1024)}1` })).toThrow(ConfigError);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
