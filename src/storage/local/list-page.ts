/**
 * Pieces of a list page: what one listed object says about itself, and the continuation token
 * (the last key returned, base64url so it stays opaque and URL-safe).
 */
import { lstat } from 'node:fs/promises';
import type { ListedObject } from '../object-store.js';
import { StorageError } from '../storage-error.js';
import { errnoOf } from './fs-errors.js';
import type { LocalLayout } from './local-layout.js';
import { readMeta } from './object-meta.js';

export async function listedObject(layout: LocalLayout, key: string): Promise<ListedObject | undefined> {
  try {
    const stats = await lstat(layout.dataPath(key));
    const meta = await readMeta(layout.metaPath(key));
    const trusted = meta !== undefined && meta.size === stats.size ? meta : undefined;
    const lastModified = meta?.lastModified ? new Date(meta.lastModified) : stats.mtime;
    return { key, size: stats.size, lastModified, etag: trusted?.etag || undefined };
  } catch (err) {
    // Deleted between the directory read and now: it is simply no longer there.
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export function encodeToken(key: string): string {
  return Buffer.from(key).toString('base64url');
}

export function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (key === '' || encodeToken(key) !== token) throw new StorageError('InvalidKey', 'The list continuation token is not valid.');
  return key;
}
