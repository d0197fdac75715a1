/**
 * One-time links: invitations to a shop and password resets. The token is 32 random bytes
 * (base64url, 43 characters) shown once; the database keeps only its sha256, so a leaked
 * table opens nothing. A link is good until it expires or is used, whichever comes first.
 *
 * @example
 *   const { token, hash } = newLinkToken();
 *   await insertLink(db, { kind: 'invite', tenantId: 42, userId: 7, role: 'editor', hash, expiresAt });
 *   await findLink(db, 'invite', hashLinkToken(token));   // the row, used or not
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db, OneTimeLink, UserRole } from '../db/schema.js';

export type LinkKind = 'invite' | 'reset';

/** A token is exactly this long: 32 bytes in base64url, no padding. */
export const LINK_TOKEN_LENGTH = 43;
const TOKEN = /^[\w-]{43}$/;

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `text` can be a link token; checked before anything looks it up. */
export function isLinkToken(text: string): boolean {
  return text.length === LINK_TOKEN_LENGTH && TOKEN.test(text);
}

export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

export async function insertLink(
  db: Db,
  values: { kind: LinkKind; tenantId: number; userId: number; role?: UserRole | null; hash: string; now: Date; expiresAt: Date },
): Promise<OneTimeLink> {
  return db
    .insertInto('one_time_links')
    .values({
      kind: values.kind,
      tenant_id: values.tenantId,
      user_id: values.userId,
      role: values.role ?? null,
      token_hash: values.hash,
      created_at: values.now,
      expires_at: values.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The link with this token hash and kind, used or expired or not; undefined when there is none. */
export async function findLink(db: Db, kind: LinkKind, hash: string): Promise<OneTimeLink | undefined> {
  return db.selectFrom('one_time_links').selectAll().where('kind', '=', kind).where('token_hash', '=', hash).executeTakeFirst();
}

/** Marks a link used, only if it still is unused and unexpired at `now`; whether this call used it. */
export async function useLink(db: Db, id: number, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('one_time_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** How many invitations a shop may have open at once: the team page lists them all. */
export const MAX_OPEN_INVITES = 50;

/** The tenant's invitations still open at `now`, oldest first (at most {@link MAX_OPEN_INVITES}). */
export async function listOpenInvites(db: Db, tenantId: number, now: Date): Promise<OneTimeLink[]> {
  return db
    .selectFrom('one_time_links')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'invite')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id')
    .limit(MAX_OPEN_INVITES)
    .execute();
}

/** How many of the tenant's invitations are open at `now`, counting no further than `max`. */
export async function countOpenInvites(db: Db, tenantId: number, now: Date, max = MAX_OPEN_INVITES): Promise<number> {
  const rows = await db
    .selectFrom('one_time_links')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'invite')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .limit(max)
    .execute();
  return rows.length;
}

/** Deletes an open invitation of this tenant; false for another tenant's, a used one or none. */
export async function deleteInvite(db: Db, tenantId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('one_time_links')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'invite')
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Deletes the open invitations this user made in this tenant (an owner made an editor can no longer hand out the shop). */
export async function deleteInvitesBy(db: Db, tenantId: number, userId: number): Promise<number> {
  const result = await db
    .deleteFrom('one_time_links')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'invite')
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the user's unused reset links: a new one replaces them. */
export async function deleteOpenResets(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('one_time_links').where('kind', '=', 'reset').where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

/** What a token names: a link still good, or why not (unknown covers a malformed token too). */
export type LinkState = { status: 'open'; link: OneTimeLink } | { status: 'expired' | 'used' | 'unknown' };

/** The state of the link this token names at `now`. */
export async function linkState(db: Db, kind: LinkKind, token: string, now: Date): Promise<LinkState> {
  if (!isLinkToken(token)) return { status: 'unknown' };
  const link = await findLink(db, kind, hashLinkToken(token));
  if (link === undefined) return { status: 'unknown' };
  if (link.used_at !== null) return { status: 'used' };
  if (link.expires_at.getTime() <= now.getTime()) return { status: 'expired' };
  return { status: 'open', link };
}
