/**
 * Flash messages that survive a redirect without server-side state: a short-lived signed
 * cookie, read (and cleared) by the next page rendered. Messages are translation keys, so
 * the page that shows them picks the language.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hmac, purposeKey, sameMac } from '../../tenancy/hmac.js';
import { isMessageKey, type Msg } from '../i18n/index.js';
import type { Flash } from '../views/types.js';
import { COOKIE, type cookieOptions } from './cookies.js';

const MAX_AGE_SECONDS = 60;

export function setFlash(reply: FastifyReply, secret: string, options: ReturnType<typeof cookieOptions>, flashes: readonly Flash[]): void {
  const body = Buffer.from(JSON.stringify(flashes)).toString('base64url');
  reply.setCookie(COOKIE.flash, `${body}.${hmac(purposeKey(secret, 'flash'), body)}`, { ...options, maxAge: MAX_AGE_SECONDS });
}

/** The flashes set by the previous response, cleared as they are read. */
export function takeFlash(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: string,
  options: ReturnType<typeof cookieOptions>,
): Flash[] {
  const value = request.cookies[COOKIE.flash];
  if (value === undefined) return [];
  reply.clearCookie(COOKIE.flash, options);
  const [body, mac] = value.split('.');
  if (!body || !mac || !sameMac(mac, hmac(purposeKey(secret, 'flash'), body))) return [];
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.filter(isFlash).slice(0, 5) : [];
  } catch {
    return [];
  }
}

function isFlash(value: unknown): value is Flash {
  const f = value as { kind?: unknown; message?: unknown; detail?: unknown; undoProductId?: unknown } | null;
  if (f === null || typeof f !== 'object' || (f.kind !== 'success' && f.kind !== 'error')) return false;
  if (f.detail !== undefined && !isMsg(f.detail)) return false;
  if (f.undoProductId !== undefined && (typeof f.undoProductId !== 'string' || !/^\d{1,10}$/.test(f.undoProductId))) return false;
  return isMsg(f.message);
}

function isMsg(value: unknown): value is Msg {
  const m = value as Msg;
  return typeof m === 'string' || (typeof m === 'object' && m !== null && typeof m.key === 'string' && isMessageKey(m.key));
}
