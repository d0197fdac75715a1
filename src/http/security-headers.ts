/**
 * Headers every page carries: a Content-Security-Policy that allows only our own script and
 * styles and images from where the store serves them (the app itself, the public/CDN base,
 * the S3 endpoint for signed URLs), and no framing or sniffing.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.js';

/** Origins images may come from, given where the objects are served. */
export function imageOrigins(config: Config): string[] {
  const origins = new Set<string>(["'self'", 'data:', 'blob:']);
  const add = (url: string | undefined) => {
    if (url !== undefined) origins.add(new URL(url).origin);
  };
  add(config.s3.publicUrl);
  if (config.storageDriver === 's3') {
    if (config.s3.endpoint !== undefined) {
      add(config.s3.endpoint);
      // Virtual-hosted addressing puts the bucket in the host name.
      if (!config.s3.forcePathStyle) origins.add(`${new URL(config.s3.endpoint).protocol}//*.${new URL(config.s3.endpoint).host}`);
    } else {
      origins.add(`https://${config.s3.bucket}.s3.${config.s3.region}.amazonaws.com`);
      origins.add(`https://s3.${config.s3.region}.amazonaws.com`);
    }
  }
  return [...origins];
}

/**
 * Sets the headers on one reply. The onSend hook below calls it for every answer; the error
 * page for a malformed URL, which Fastify answers before any hook runs, calls it directly.
 */
export function securityHeaders(config: Config): (reply: FastifyReply) => void {
  const csp = [
    "default-src 'self'",
    `img-src ${imageOrigins(config).join(' ')}`,
    "script-src 'self'",
    "style-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return (reply) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      reply.header('content-security-policy', csp);
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'same-origin');
    }
    reply.header('x-content-type-options', 'nosniff');
  };
}

export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  const set = securityHeaders(config);
  app.addHook('onSend', async (_request, reply, payload) => {
    set(reply);
    return payload;
  });
}
