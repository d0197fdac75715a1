/**
 * Keeping a form's image across a refused submit (issue 15, item 1). A product form refused
 * for another field (price "abc", a SKU taken…) whose image passed every check keeps that
 * image here, so the owner need not choose it again:
 *
 * - `keep` puts the bytes under a private `t/{tenant}/pending/{id}` key, then records the row
 *   and queues the key for purge at its expiry, in one transaction (if that fails, the object
 *   is deleted again);
 * - the next submit of the same form uses it through `createProduct`/`updateProduct` with a
 *   `PendingImage` (catalog.service.ts): the row is taken in the product's transaction and the
 *   object becomes the asset's source, so the purge queued at expiry finds it referenced and
 *   leaves it (jobs/purge-worker.ts);
 * - `discard` (the form's "Remove", or a new file chosen instead) takes the row and queues the
 *   key for purge at once.
 *
 * @example
 *   const kept = await keepPendingUpload(deps, { tenantId, userId, form: 'new' }, image, new Date());
 *   await createProduct(catalog, tenantId, input, { pending: { ...owner, id: kept.id }, at: new Date() });
 */
import type { Readable } from 'node:stream';
import { v4 as uuidv4 } from 'uuid';
import type { Db, PendingUpload } from '../db/schema.js';
import { AppError } from '../errors.js';
import { enqueuePurge } from '../jobs/purge-queue.repository.js';
import type { Logger } from '../logger.js';
import {
  findOwnPendingUpload,
  findPendingUpload,
  insertPendingUpload,
  takePendingBeyond,
  takePendingUpload,
  type PendingOwner,
} from '../media/pending-uploads.repository.js';
import type { ResilientStore } from '../storage/fallback/resilient-store.js';
import { pendingKey, sanitizeFileName } from '../storage/key-locator.js';
import type { ImageUpload } from './catalog.service.js';

/** How long a kept image waits for its form to come back. */
export const PENDING_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/** Kept images per person: keeping one more lets go of the oldest. */
export const MAX_PENDING_PER_USER = 20;

export interface PendingUploadDeps {
  db: Db;
  stores: ResilientStore;
  logger: Logger;
  /** After a commit that queued a purge (a discarded pending upload). */
  onPurgeQueued?: (() => void) | undefined;
}

/** A form: whose it is and which ('new' or the product id). */
export type PendingForm = Omit<PendingOwner, 'id'>;

/**
 * Keeps an image whose checks have all passed (`image.inspection.result` resolved) for
 * `ttlMs` from `at`. @throws StorageError when the store (and the spool) cannot take it
 */
export async function keepPendingUpload(
  deps: PendingUploadDeps,
  form: PendingForm,
  image: ImageUpload,
  at: Date,
  ttlMs = PENDING_UPLOAD_TTL_MS,
): Promise<PendingUpload> {
  const inspected = await image.inspection.result;
  const id = uuidv4();
  const key = pendingKey(form.tenantId, id);
  const originalName = sanitizeFileName(image.fileName, 'image');
  const { location, result: put } = await deps.stores.put(key, image.bytes, {
    contentType: inspected.type.mime,
    contentLength: image.bytes.length,
    metadata: { 'original-name': encodeURIComponent(originalName) },
  });
  const expiresAt = new Date(at.getTime() + ttlMs);
  let dropped: number;
  try {
    dropped = await deps.db.transaction().execute(async (trx) => {
      await insertPendingUpload(trx, {
        ...form,
        id,
        key,
        location,
        contentType: inspected.type.mime,
        bytes: put.size,
        sha256: put.sha256,
        width: inspected.width,
        height: inspected.height,
        originalName,
        expiresAt,
      });
      // Deleted at expiry unless an asset has taken it as its source by then.
      await enqueuePurge(trx, [key], form.tenantId, { notBefore: expiresAt });
      const dropped = await takePendingBeyond(trx, form.tenantId, form.userId, MAX_PENDING_PER_USER);
      if (dropped.length > 0) await enqueuePurge(trx, dropped, form.tenantId);
      return dropped.length;
    });
  } catch (err) {
    await deps.stores
      .storeFor(location)
      .delete(key)
      .catch((e: unknown) => deps.logger.warn({ err: e, key }, 'could not delete a pending upload that has no row'));
    throw err;
  }
  if (dropped > 0) deps.onPurgeQueued?.();
  deps.logger.info({ event: 'pending-kept', tenantId: form.tenantId, key, bytes: put.size, location }, 'upload kept for its form');
  return {
    id,
    tenant_id: form.tenantId,
    user_id: form.userId,
    form: form.form,
    key,
    location,
    content_type: inspected.type.mime,
    bytes: put.size,
    sha256: put.sha256,
    width: inspected.width,
    height: inspected.height,
    original_name: originalName,
    created_at: at,
    expires_at: expiresAt,
  };
}

/** The form's unexpired pending upload, or undefined (used, discarded, expired, or someone else's). */
export function findPending(deps: Pick<PendingUploadDeps, 'db'>, owner: PendingOwner, at: Date): Promise<PendingUpload | undefined> {
  return findPendingUpload(deps.db, owner, at);
}

/** Lets go of a pending upload: its row now, its object by the purge worker. Nothing happens for one already gone. */
export async function discardPendingUpload(deps: PendingUploadDeps, owner: PendingOwner, at: Date): Promise<void> {
  const taken = await deps.db.transaction().execute(async (trx) => {
    const row = await takePendingUpload(trx, owner, at);
    if (row !== undefined) await enqueuePurge(trx, [row.key], row.tenant_id);
    return row;
  });
  if (taken !== undefined) deps.onPurgeQueued?.();
}

/** The bytes of one of this user's pending uploads, for its thumbnail. @throws AppError NotFound */
export async function openPendingUpload(
  deps: Pick<PendingUploadDeps, 'db' | 'stores'>,
  id: string,
  tenantId: number,
  userId: number,
  at: Date,
): Promise<{ upload: PendingUpload; body: Readable; contentLength: number }> {
  const upload = await findOwnPendingUpload(deps.db, id, tenantId, userId, at);
  if (upload === undefined) throw new AppError('NotFound', 'There is no such upload.');
  const object = await deps.stores.storeFor(upload.location).get(upload.key);
  return { upload, body: object.body, contentLength: object.contentLength };
}
