/**
 * /metrics is not for the public (issue 13, finding 8). With neither METRICS_TOKEN nor
 * METRICS_PORT it is not served at all — not even to this machine, since a proxy on it (a plain
 * nginx `proxy_pass` adds no forwarding header) makes the world look local — and the start-up
 * log says how to serve it; with a token, whoever sends it (and it is never logged); with a port
 * of its own, only there.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/free-port.js';
import { METRICS_OFF_MESSAGE } from '../../src/http/metrics-access.js';
import { buildMetricsApp } from '../../src/http/metrics-app.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('who may read /metrics', () => {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
  let open: TestApp;
  let withToken: TestApp;
  let ownPort: TestApp;
  let metricsApp: FastifyInstance;
  let metricsPort = 0;

  beforeAll(async () => {
    open = await startTestApp('postgres+s3', { listen: true, logger });
    const same = { listen: true, logger, database: open.database, shareStorageWith: open };
    withToken = await startTestApp('postgres+s3', { ...same, env: { METRICS_TOKEN: TOKEN } });
    metricsPort = await freePort();
    ownPort = await startTestApp('postgres+s3', { ...same, env: { METRICS_PORT: String(metricsPort) } });
    // What `vitrina serve` starts beside the web server when METRICS_PORT is set.
    metricsApp = await buildMetricsApp(ownPort.runtime);
    await metricsApp.listen({ port: ownPort.config.metrics.port!, host: ownPort.config.metrics.host });
  }, 60_000);
  afterAll(async () => {
    await metricsApp?.close();
    for (const t of [ownPort, withToken, open]) await t?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

  describe('with neither METRICS_TOKEN nor METRICS_PORT', () => {
    it('is not found, even from this machine with no forwarding header (what a same-host proxy_pass looks like)', async () => {
      const local = await get(`${open.baseUrl}/metrics`);
      expect(local.status).toBe(404);
      expect(await local.text()).not.toContain('vitrina_uploads_total');
      expect((await get(`${open.baseUrl}/metrics`, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(404);
      const outside = await open.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(outside.statusCode).toBe(404);
      expect(outside.json()).toEqual({ error: { code: 'NotFound', message: 'Not found.' } });
    });

    it('says once at start how to serve it, and only where it is off', () => {
      const notes = lines
        .map((l) => JSON.parse(l) as { level: number; event?: string; msg: string })
        .filter((l) => l.event === 'metrics-off');
      expect(notes).toEqual([expect.objectContaining({ level: 30, msg: METRICS_OFF_MESSAGE })]);
      expect(METRICS_OFF_MESSAGE).toContain('METRICS_TOKEN');
      expect(METRICS_OFF_MESSAGE).toContain('METRICS_PORT');
    });
  });

  describe('with METRICS_TOKEN', () => {
    it('refuses a request without the token, or with a wrong one, with a 401 that says what to send', async () => {
      const none = await get(`${withToken.baseUrl}/metrics`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { message: string } }).error.message).toContain('METRICS_TOKEN');
      expect((await get(`${withToken.baseUrl}/metrics`, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(401);
      expect((await get(`${withToken.baseUrl}/metrics`, { authorization: `Basic ${TOKEN}` })).status).toBe(401);
      expect((await get(`${withToken.baseUrl}/metrics`, { authorization: `Bearer ${'x'.repeat(8 * 1024)}` })).status).toBe(401);
    });

    it('answers whoever sends it, from anywhere', async () => {
      expect((await get(`${withToken.baseUrl}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      const outside = await withToken.app.inject({
        url: '/metrics',
        remoteAddress: '203.0.113.9',
        headers: { authorization: `bearer ${TOKEN}` },
      });
      expect(outside.statusCode).toBe(200);
    });

    it('never writes the token to the log', () => {
      expect(lines.join('')).not.toContain(TOKEN);
    });
  });

  describe('with METRICS_PORT', () => {
    it('serves /metrics on its own listener, and not on the public port', async () => {
      expect(ownPort.config.metrics.host).toBe('127.0.0.1');
      const res = await get(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('vitrina_uploads_total');
      expect((await get(`${ownPort.baseUrl}/metrics`)).status).toBe(404);
      // Nothing else is served there.
      expect((await get(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    });
  });
});
