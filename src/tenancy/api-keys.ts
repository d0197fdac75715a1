/**
 * Per-tenant API keys, sent as `Authorization: Bearer vk_<prefix>_<secret>`.
 *
 * The token is shown once, at creation; the database keeps only the public prefix (to find the
 * row) and a sha256 of the whole token. A fast hash is right here: the secret is 256 random
 * bits, so there is nothing to brute-force, unlike a password.
 *
 * @example
 *   const { token } = await createApiKey(db, { tenantId: 42, name: 'shop sync' });
 *   await verifyApiKey(db, token);   // 42
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { ApiKey, Db } from '../db/schema.js';
import { AppError } from '../errors.js';

const TOKEN = /^vk_([0-9a-f]{12})_[\w-]{43}$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export type ApiKeySummary = Omit<ApiKey, 'hash'>;

/** Creates a key; the returned `token` is the only time the plaintext exists. */
export async function createApiKey(
  db: Db,
  input: { tenantId: number; name: string },
): Promise<{ id: number; prefix: string; token: string }> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) throw new AppError('Unprocessable', 'Give the API key a name of 1 to 100 characters.');
  const prefix = randomBytes(6).toString('hex');
  const token = `vk_${prefix}_${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('api_keys')
    .values({ tenant_id: input.tenantId, name, prefix, hash: sha256(token).toString('hex') })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, prefix, token };
}

/**
 * The tenant id a valid, unrevoked token belongs to, or undefined (garbage, unknown, revoked).
 * Records the use, at most once a minute per key so busy clients do not write on every request.
 */
export async function verifyApiKey(db: Db, token: string): Promise<number | undefined> {
  const match = TOKEN.exec(token.trim());
  if (!match) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'hash'])
    .where('prefix', '=', match[1]!)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const stored = Buffer.from(row.hash, 'hex');
  const given = sha256(token.trim());
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return undefined;
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
  return row.tenant_id;
}

/** Revokes a key of this tenant; false when there is no such (unrevoked) key in the tenant. */
export async function revokeApiKey(db: Db, tenantId: number, id: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listApiKeys(db: Db, tenantId: number): Promise<ApiKeySummary[]> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
}
