/**
 * Reading side of the local driver: what `head` and `get` know about an object, taken from
 * the data file itself (size, existence — the truth) and its metadata file (type, etag…).
 */
import { constants, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
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
 * Opens an object's data file for reading, following no symbolic link: the folders are checked
 * before the open (remembered for a while, see LocalLayout.assertNoLinkedFolder), the file is
 * opened with O_NOFOLLOW, and the path the open actually took is checked after it
 * (LocalLayout.assertOpenedAt). The descriptor pins this version of the bytes even if the key is
 * deleted or replaced meanwhile; the caller closes it.
 * @throws ObjectNotFound | AccessDenied (a link on the way)
 */
async function openChecked(layout: LocalLayout, key: string): Promise<{ fd: number; stats: Stats }> {
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
    return { fd, stats };
  } catch (err) {
    await closeFd(fd);
    throw err;
  }
}

/** Opens an object for streaming (see openChecked); the caller owns, and closes, the descriptor. */
export async function openObject(layout: LocalLayout, key: string): Promise<{ fd: number; head: HeadResult }> {
  const { fd, stats } = await openChecked(layout, key);
  try {
    return { fd, head: toHead(key, stats, await readMeta(layout.metaPath(key))) };
  } catch (err) {
    await closeFd(fd);
    throw err;
  }
}

/**
 * An object of at most `maxBytes` read whole (opened as openChecked does), its file closed at
 * once: no stream, the cheapest way through thousands of small objects. Undefined when the
 * object is larger: the caller streams it instead.
 * @throws ObjectNotFound | AccessDenied (a link on the way)
 */
export async function readObjectWhole(
  layout: LocalLayout,
  key: string,
  maxBytes: number,
): Promise<{ bytes: Buffer; head: HeadResult } | undefined> {
  const { fd, stats } = await openChecked(layout, key);
  try {
    if (stats.size > maxBytes) return undefined;
    const [bytes, meta] = await Promise.all([readFd(fd, stats.size), readMeta(layout.metaPath(key))]);
    return { bytes, head: toHead(key, stats, meta) };
  } finally {
    await closeFd(fd);
  }
}
