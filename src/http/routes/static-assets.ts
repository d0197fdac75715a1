/**
 * GET /assets/app.js and /assets/app.css: the two static files the pages need, read from
 * public/ once at registration (they do not change while the process runs) and served with a
 * content-hash ETag so a short max-age costs only a 304 afterwards.
 * The folder is found relative to this file, so the app works whatever the cwd.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';

export const PUBLIC_DIR = new URL('../../../public/', import.meta.url);

const ASSETS = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

export default async function register(app: FastifyInstance, _ctx: AppContext): Promise<void> {
  for (const [file, contentType] of Object.entries(ASSETS)) {
    const body = await readFile(new URL(file, PUBLIC_DIR));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    app.get(`/assets/${file}`, async (request, reply) => {
      reply.header('Cache-Control', 'public, max-age=300').header('ETag', etag).header('X-Content-Type-Options', 'nosniff');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.type(contentType).send(body);
    });
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const v = tag.trim();
    return v === '*' || v === etag || v === `W/${etag}`;
  });
}
