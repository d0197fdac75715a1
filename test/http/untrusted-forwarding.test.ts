/**
 * Behind a proxy that TRUST_PROXY does not name, every client shares the proxy's address (one
 * log-in and sign-up count for all of them): the first request carrying X-Forwarded-For says so
 * in the log, once per process, with what to set.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app-harness.js';

describe('X-Forwarded-For while TRUST_PROXY is off', () => {
  const lines: { level: number; msg: string; event?: string }[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write: (chunk: Buffer, _enc, done) => (
        lines.push(
          ...chunk
            .toString()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        ),
        done()
      ),
    }),
  );
  const warnings = () => lines.filter((l) => l.event === 'untrusted-forwarded-for');
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('with TRUST_PROXY set: no warning', async () => {
    const trusted = await startTestApp('pglite+local', { logger, env: { TRUST_PROXY: 'loopback' } });
    apps.push(trusted);
    await trusted.app.inject({ url: '/healthz', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(warnings()).toEqual([]);
  });

  it('with TRUST_PROXY off: one warning line naming TRUST_PROXY, however many such requests', async () => {
    const open = await startTestApp('pglite+local', { logger });
    apps.push(open);
    await open.app.inject({ url: '/healthz' });
    expect(warnings()).toEqual([]);
    for (let i = 0; i < 3; i++) await open.app.inject({ url: '/healthz', headers: { 'x-forwarded-for': `203.0.113.${i}` } });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.level).toBe(40);
    expect(warnings()[0]!.msg).toContain('set TRUST_PROXY to the proxy address or range, or 1 for one hop');
  });
});
