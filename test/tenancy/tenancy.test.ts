import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../../src/tenancy/api-keys.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { authenticate, signUp, slugify } from '../../src/tenancy/tenancy.service.js';
import { BACKENDS, useTestDatabase } from '../support/database.js';

/** Cheap hashes where hashing is not what is tested (password.ts's own tests use the real cost). */
const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const FAST = { scrypt: FAST_SCRYPT };
const FAST_CHECK = { passwords: new PasswordHashing(FAST_SCRYPT) };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe.each(BACKENDS)('tenancy on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('signs up a tenant with its first user and authenticates them', async () => {
    const { tenant, user } = await signUp(
      t.db,
      { tenantName: 'Ferretería Ñandú', email: ' Ana@Example.TEST ', password: 'correct horse' },
      FAST,
    );
    expect(tenant.slug).toBe('ferreteria-nandu');
    expect(user.email).toBe('ana@example.test');
    expect(user.tenant_id).toBe(tenant.id);
    expect(user.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);

    const who = await authenticate(t.db, 'ANA@example.test', 'correct horse', FAST_CHECK);
    expect(who?.id).toBe(user.id);
    expect(await authenticate(t.db, 'ana@example.test', 'wrong horse', FAST_CHECK)).toBeUndefined();
    expect(await authenticate(t.db, 'nobody@example.test', 'correct horse', FAST_CHECK)).toBeUndefined();
  });

  it('refuses a duplicate email with Conflict and leaves no tenant behind', async () => {
    await signUp(t.db, { tenantName: 'First', email: 'dup@example.test', password: 'password-1' }, FAST);
    const before = await t.db.selectFrom('tenants').select('id').execute();
    const err = await rejection(signUp(t.db, { tenantName: 'Second', email: 'DUP@example.test', password: 'password-2' }, FAST));
    expect(isAppError(err, 'Conflict')).toBe(true);
    expect((err as Error).message).toContain('dup@example.test already exists');
    expect(await t.db.selectFrom('tenants').select('id').execute()).toHaveLength(before.length);
  });

  it('gives a second tenant with the same name its own slug', async () => {
    const a = await signUp(t.db, { tenantName: 'Same Name', email: 's1@example.test', password: 'password-1' }, FAST);
    const b = await signUp(t.db, { tenantName: 'Same Name', email: 's2@example.test', password: 'password-1' }, FAST);
    expect(a.tenant.slug).toBe('same-name');
    expect(b.tenant.slug).toMatch(/^same-name-[0-9a-f]{6}$/);
  });

  it('refuses bad sign-up input with a message saying what to fix', async () => {
    const short = await rejection(signUp(t.db, { tenantName: 'X', email: 'x@example.test', password: 'short' }, FAST));
    expect(isAppError(short, 'Unprocessable')).toBe(true);
    expect((short as Error).message).toMatch(/at least 8 characters/);
    const email = await rejection(signUp(t.db, { tenantName: 'X', email: 'not-an-email', password: 'long enough' }, FAST));
    expect((email as Error).message).toMatch(/valid email/);
    expect(slugify('***')).toBe('store');
  });

  it('creates API keys that verify to their tenant, stores only a hash, and stops them when revoked', async () => {
    const { tenant } = await signUp(t.db, { tenantName: 'Keys', email: 'keys@example.test', password: 'password-1' }, FAST);
    const { id, token, prefix } = await createApiKey(t.db, { tenantId: tenant.id, name: 'sync' });
    expect(token).toMatch(/^vk_[0-9a-f]{12}_[\w-]{43}$/);
    expect(token.startsWith(`vk_${prefix}_`)).toBe(true);

    const row = await t.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token.slice(16));
    expect(row.last_used_at).toBeNull();

    expect(await verifyApiKey(t.db, token)).toBe(tenant.id);
    const used = await t.db.selectFrom('api_keys').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(used.last_used_at).toBeInstanceOf(Date);

    expect(await listApiKeys(t.db, tenant.id)).toEqual([expect.objectContaining({ id, name: 'sync', prefix })]);
    expect(await revokeApiKey(t.db, tenant.id + 1000, id)).toBe(false);
    expect(await revokeApiKey(t.db, tenant.id, id)).toBe(true);
    expect(await verifyApiKey(t.db, token)).toBeUndefined();
  });

  it('rejects garbage and near-miss tokens', async () => {
    const { tenant } = await signUp(t.db, { tenantName: 'Garbage', email: 'garbage@example.test', password: 'password-1' }, FAST);
    const { token } = await createApiKey(t.db, { tenantId: tenant.id, name: 'k' });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [
      '',
      'garbage',
      'vk_',
      `${token}x`,
      token.slice(0, -1) + last,
      token.replace(/^vk_/, 'xx_'),
      'vk_000000000000_' + 'a'.repeat(43),
    ]) {
      expect(await verifyApiKey(t.db, bad)).toBeUndefined();
    }
  });
});
