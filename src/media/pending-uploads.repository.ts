/**
 * Pending uploads: an image that passed every check on a product form that came back for
 * another field, kept under its private `t/{tenant}/pending/{id}` key so the next submit can
 * use it without sending the bytes again. A row belongs to one tenant, one user and one form
 * ('new' or the product id); its key is queued for purge at `expires_at` when it is made, and
 * the purge worker drops the row first, then the object (jobs/purge-worker.ts).
 *
 * @example
 *   await insertPendingUpload(trx, { id, tenantId, userId, form: 'new', key, … , expiresAt });
 *   const row = await takePendingUpload(trx, { id, tenantId, userId, form: 'new' });   // once
 */
import type { AssetLocation, Db, PendingUpload } from '../db/schema.js';
import { validate as isUuid } from 'uuid';

/** Whose a pending upload is: a row matches only with all four. */
export interface PendingOwner {
  id: string;
  tenantId: number;
  userId: number;
  /** 'new' or the id of the product being edited. */
  form: string;
}

export interface NewPendingUpload extends PendingOwner {
  key: string;
  location: AssetLocation;
  contentType: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  originalName: string;
  expiresAt: Date;
}

export async function insertPendingUpload(db: Db, row: NewPendingUpload): Promise<void> {
  await db
    .insertInto('pending_uploads')
    .values({
      id: row.id,
      tenant_id: row.tenantId,
      user_id: row.userId,
      form: row.form,
      key: row.key,
      location: row.location,
      content_type: row.contentType,
      bytes: row.bytes,
      sha256: row.sha256,
      width: row.width,
      height: row.height,
      original_name: row.originalName,
      expires_at: row.expiresAt,
    })
    .execute();
}

/** The owner's pending upload if it has not expired; undefined for anyone else's, a used or an expired one. */
export async function findPendingUpload(db: Db, owner: PendingOwner, now: Date): Promise<PendingUpload | undefined> {
  if (!isUuid(owner.id)) return undefined;
  return db
    .selectFrom('pending_uploads')
    .selectAll()
    .where('id', '=', owner.id)
    .where('tenant_id', '=', owner.tenantId)
    .where('user_id', '=', owner.userId)
    .where('form', '=', owner.form)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** A pending upload of this tenant and user (any form), for its thumbnail. */
export async function findOwnPendingUpload(
  db: Db,
  id: string,
  tenantId: number,
  userId: number,
  now: Date,
): Promise<PendingUpload | undefined> {
  if (!isUuid(id)) return undefined;
  return db
    .selectFrom('pending_uploads')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Deletes and returns the owner's unexpired pending upload: whoever deletes it uses it, so
 * two submits of one form can never both take it. Call it in the transaction that lets an
 * asset reference its key (or queues the key for purge).
 */
export async function takePendingUpload(db: Db, owner: PendingOwner, now: Date): Promise<PendingUpload | undefined> {
  if (!isUuid(owner.id)) return undefined;
  return db
    .deleteFrom('pending_uploads')
    .where('id', '=', owner.id)
    .where('tenant_id', '=', owner.tenantId)
    .where('user_id', '=', owner.userId)
    .where('form', '=', owner.form)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Deletes the user's pending uploads beyond their `keep` newest and returns their keys (to be
 * purged): a client that never sends its token back cannot pile up kept images.
 */
export async function takePendingBeyond(db: Db, tenantId: number, userId: number, keep: number): Promise<string[]> {
  const rows = await db
    .deleteFrom('pending_uploads')
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('pending_uploads')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .orderBy('expires_at', 'desc')
        .orderBy('id', 'desc')
        .limit(100)
        .offset(keep),
    )
    .returning('key')
    .execute();
  return rows.map((r) => r.key);
}

/** Drops the rows of a purged key: the expired or discarded pending upload it was. */
export async function deletePendingUploadsByKey(db: Db, key: string): Promise<void> {
  await db.deleteFrom('pending_uploads').where('key', '=', key).execute();
}
