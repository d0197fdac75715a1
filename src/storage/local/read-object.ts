/**
 * Reading side of the local driver: what `head` and `get` know about an object, taken from
 * the data file itself (size, existence — the truth) and its metadata file (type, etag…).
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import type { HeadResult } from '../object-store.js';
import { StorageError } from '../storage-error.js';
import { closeFd, openFd, readFd, statFd } from './fd-io.js';
import { linkRefused, type LocalLayout } from './local-layout.js';
import { readMeta, type ObjectMeta } from './object-meta.js';

function notFound(key: string): StorageError {
  return new StorageError('ObjectNotFound', `Object ${JSON.stringify(key)} does not exist.`, { key });
}

/** What a failed open of an object's data file means. */
function openError(err: unknown, key: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  // O_NOFOLLOW refuses a link as the file itself.
  if (code === 'ELOOP') return linkRefused(key);
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return notFound(key);
  return err;
}

/** Head fields from the file's stats and its metadata (which may be missing or stale). */
export function toHead(key: string, stats: Stats, meta: ObjectMeta | undefined): HeadResult {
  // Metadata that disagrees with the file (edited by hand, torn) must not vouch for it.
  const trusted = meta !== undefined && meta.size === stats.size ? meta : undefined;
  const lastModified = meta?.lastModified ? new Date(meta.lastModified) : undefined;
  return {
    key,
    size: stats.size,
    contentType: meta?.contentType,
    cacheControl: meta?.cacheControl,
    contentDisposition: meta?.contentDisposition,
    metadata: { ...(meta?.metadata ?? {}) },
    etag: trusted?.etag || undefined,
    lastModified: lastModified !== undefined && !Number.isNaN(lastModified.getTime()) ? lastModified : stats.mtime,
    sha256: trusted !== undefined && /^[0-9a-f]{64}$/.test(trusted.sha256) ? trusted.sha256 : undefined,
  };
}

/** Stats and metadata of an object, without opening it. @throws ObjectNotFound */
export async function statObject(layout: LocalLayout, key: string): Promise<HeadResult> {
  const dataFile = layout.dataPath(key);
  await layout.assertNoSymlink(dataFile, key);
  const stats = await lstat(dataFile).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') throw notFound(key);
    throw err;
  });
  // A folder at this path is a key prefix, not an object.
  if (!stats.isFile()) throw notFound(key);
  return toHead(key, stats, await readMeta(layout.metaPath(key)));
}

/**
 * Opens an object for reading: the handle pins this version of the bytes even if the key is
 * deleted or replaced while the caller streams it. The caller owns (and closes) the handle.
 * No symbolic link is followed: the folders are checked before the open (remembered for a
 * while, see LocalLayout.assertNoLinkedFolder), the file is opened with O_NOFOLLOW, and the
 * path the open actually took is checked after it (LocalLayout.assertOpenedAt).
 * @throws ObjectNotFound | AccessDenied (a link on the way)
 */
export async function openObject(layout: LocalLayout, key: string): Promise<{ handle: FileHandle; head: HeadResult }> {
  const dataFile = layout.dataPath(key);
  await layout.assertNoLinkedFolder(dataFile, key);
  let handle: FileHandle;
  try {
    handle = await open(dataFile, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw openError(err, key);
  }
  try {
    await layout.assertOpenedAt(handle.fd, dataFile, key);
    const stats = await handle.stat();
    if (!stats.isFile()) throw notFound(key);
    return { handle, head: toHead(key, stats, await readMeta(layout.metaPath(key))) };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * An object of at most `maxBytes` read whole, as `openObject` opens it (no link followed: the
 * folders checked before, O_NOFOLLOW, the path the open took checked after), then its file
 * closed at once — on plain descriptors (fd-io.ts), the cheapest way through thousands of small
 * objects. Undefined when the object is larger: the caller streams it instead.
 * @throws ObjectNotFound | AccessDenied (a link on the way)
 */
export async function readObjectWhole(layout: LocalLayout, key: string, maxBytes: number): Promise<{ bytes: Buffer; head: HeadResult } | undefined> {
  const dataFile = layout.dataPath(key);
  await layout.assertNoLinkedFolder(dataFile, key);
  let fd: number;
  try {
    fd = await openFd(dataFile, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw openError(err, key);
  }
  try {
    await layout.assertOpenedAt(fd, dataFile, key);
    const stats = await statFd(fd);
    if (!stats.isFile()) throw notFound(key);
    if (stats.size > maxBytes) return undefined;
    const [bytes, meta] = await Promise.all([readFd(fd, stats.size), readMeta(layout.metaPath(key))]);
    return { bytes, head: toHead(key, stats, meta) };
  } finally {
    await closeFd(fd);
  }
}
