/**
 * Who may read /metrics. With METRICS_TOKEN set: whoever sends `Authorization: Bearer <token>`
 * (compared in constant time). On the listener of its own (METRICS_PORT), without a token:
 * whoever can reach METRICS_HOST. With neither, the public port has no /metrics at all: a proxy
 * on the same machine (a plain nginx `proxy_pass`, which adds no forwarding header) makes every
 * outside request look like one from this machine, so no test of the peer's address is safe.
 *
 * @example
 *   if (metricsOnPublicPort(config.metrics)) serveMetrics(app, metrics, metricsGuard(config.metrics, 'public'));
 *   guard(request);   // throws AppError Unauthorized (or NotFound)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { MetricsConfig } from '../config.js';
import { AppError } from '../errors.js';

export type MetricsListener = 'public' | 'own';

/** What `vitrina serve` logs at start when /metrics is nowhere to be read. */
export const METRICS_OFF_MESSAGE =
  '/metrics is not served: set METRICS_TOKEN (Prometheus then sends Authorization: Bearer <token>) or METRICS_PORT (a listener of its own on METRICS_HOST) to serve it';

/** The public port serves /metrics only behind a token, and only when it has no listener of its own. */
export function metricsOnPublicPort(metrics: MetricsConfig): boolean {
  return metrics.token !== undefined && metrics.port === undefined;
}
/** Longer than any header a token of METRICS_TOKEN's 256 characters makes. */
const MAX_AUTHORIZATION_LENGTH = 1024;

export function metricsGuard(metrics: MetricsConfig, listener: MetricsListener): (request: FastifyRequest) => void {
  if (metrics.token !== undefined) {
    const expected = digest(metrics.token);
    return (request) => {
      // Digests of equal length, so the comparison takes the same time whatever was sent.
      if (!timingSafeEqual(digest(bearerToken(request.headers.authorization)), expected)) {
        throw new AppError('Unauthorized', 'Send the metrics token: Authorization: Bearer followed by METRICS_TOKEN.');
      }
    };
  }
  if (listener === 'own') return () => undefined;
  // Not reached (metricsOnPublicPort), but the public port must never be open.
  return () => {
    throw new AppError('NotFound');
  };
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return '';
  return header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7).trim() : '';
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
