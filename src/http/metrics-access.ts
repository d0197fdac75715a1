/**
 * Who may read /metrics. With METRICS_TOKEN set: whoever sends `Authorization: Bearer <token>`
 * (compared in constant time). Without it, on the public port: only a connection from this
 * machine — the socket's own address, which no header can fake — and not one a proxy forwarded
 * (that came from outside); anyone else gets the plain 404, as if there were no such page. On
 * the listener of its own (METRICS_PORT), without a token: whoever can reach METRICS_HOST.
 *
 * @example
 *   const guard = metricsGuard(config.metrics, 'public');
 *   guard(request);   // throws AppError NotFound or Unauthorized
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { MetricsConfig } from '../config.js';
import { AppError } from '../errors.js';
import { proxyTrust } from './trusted-proxy.js';

export type MetricsListener = 'public' | 'own';

const isLoopback = proxyTrust(['loopback']);
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
  return (request) => {
    const forwarded = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    if (forwarded || !isLoopback(request.socket.remoteAddress, 0)) throw new AppError('NotFound');
  };
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return '';
  return header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7).trim() : '';
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
