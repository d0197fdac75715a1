/**
 * The API's authentication: a per-tenant API key sent as `Authorization: Bearer vk_…`
 * (made with `vitrina apikey create`). No cookies, so no CSRF to guard against.
 *
 * The hook has the preHandler signature, but the API routes run it at `onRequest`: a request
 * without a valid key is refused before its body (a JSON document, an image upload) is read.
 * A missing, malformed, unknown or revoked key is a 401 with `WWW-Authenticate: Bearer`
 * (RFC 6750) and a message saying how to get a key.
 *
 * @example
 *   const apiKey = apiKeyRequired((token) => verifyApiKey(db, token));
 *   app.get('/api/v1/products', { onRequest: apiKey }, async (request) => listFor(apiTenantId(request)));
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';

/** `Bearer ` and a 60-character key, with room to spare: a longer header is not a key and is not parsed. */
const MAX_AUTHORIZATION_LENGTH = 200;

export const HOW_TO_GET_A_KEY = 'Create one with `vitrina apikey create --tenant ID --name NAME`.';

/** The tenant each authenticated request acts for; a WeakMap, so nothing outlives the request. */
const tenants = new WeakMap<FastifyRequest, number>();

export type ApiKeyHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** @param verify the tenant a key acts for, or undefined for an unknown or revoked key (tenancy/api-keys.ts). */
export function apiKeyRequired(verify: (token: string) => Promise<number | undefined>): ApiKeyHook {
  return async function requireApiKey(request, reply) {
    const header = request.headers.authorization ?? '';
    const match = header.length <= MAX_AUTHORIZATION_LENGTH ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (match === null) {
      reply.header('www-authenticate', 'Bearer realm="vitrina"');
      throw new AppError('Unauthorized', `Send an API key as \`Authorization: Bearer vk_…\`. ${HOW_TO_GET_A_KEY}`);
    }
    const tenantId = await verify(match[1]!);
    if (tenantId === undefined) {
      reply.header('www-authenticate', 'Bearer realm="vitrina", error="invalid_token"');
      throw new AppError('Unauthorized', `The API key is not valid or has been revoked. ${HOW_TO_GET_A_KEY}`);
    }
    tenants.set(request, tenantId);
  };
}

/** The tenant of a request that passed {@link apiKeyRequired}. */
export function apiTenantId(request: FastifyRequest): number {
  const tenantId = tenants.get(request);
  if (tenantId === undefined)
    throw new Error(`${request.method} ${request.routeOptions.url ?? request.url} is missing the apiKeyRequired hook`);
  return tenantId;
}
