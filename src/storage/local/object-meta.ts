/**
 * The metadata file kept beside each object, in its own tree (`root/meta/<key>.json`) so no
 * key can ever name a metadata file. Written before the data is renamed into place, so a
 * visible object always has one; an object written by hand without one still reads (its
 * size and date then come from the file itself).
 */
import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { closeFd, openFd, readFd } from './fd-io.js';
import { errnoOf } from './fs-errors.js';

export interface ObjectMeta {
  contentType: string;
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  metadata: Record<string, string>;
  size: number;
  /** Lowercase hex sha256 of the data. */
  sha256: string;
  /** Quoted sha256, as an HTTP entity tag. */
  etag: string;
  /** ISO-8601 time the object was committed. */
  lastModified: string;
}

export function etagOf(sha256: string): string {
  return `"${sha256}"`;
}

export function serializeMeta(meta: ObjectMeta): string {
  return `${JSON.stringify(meta)}\n`;
}

/** Metadata files are a few hundred bytes: one read of this size takes all of one. */
const META_READ_BYTES = 4096;

/**
 * The text of a metadata file: open, one read, close — where readFile would also fstat it and
 * read once more to find the end (every object a migration copies reads one).
 */
async function readMetaText(file: string): Promise<string> {
  const fd = await openFd(file, constants.O_RDONLY);
  let head: Buffer;
  try {
    head = await readFd(fd, META_READ_BYTES);
  } finally {
    await closeFd(fd);
  }
  // A file of META_READ_BYTES or more (metadata written by hand, say) is read in full.
  return head.length < META_READ_BYTES ? head.toString('utf8') : readFile(file, 'utf8');
}

/** The metadata at `file`, or undefined when there is none (or it is not readable JSON). */
export async function readMeta(file: string): Promise<ObjectMeta | undefined> {
  let text: string;
  try {
    text = await readMetaText(file);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ObjectMeta>;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return {
      contentType: typeof parsed.contentType === 'string' ? parsed.contentType : 'application/octet-stream',
      cacheControl: typeof parsed.cacheControl === 'string' ? parsed.cacheControl : undefined,
      contentDisposition: typeof parsed.contentDisposition === 'string' ? parsed.contentDisposition : undefined,
      metadata: isStringRecord(parsed.metadata) ? parsed.metadata : {},
      size: typeof parsed.size === 'number' ? parsed.size : -1,
      sha256: typeof parsed.sha256 === 'string' ? parsed.sha256 : '',
      etag: typeof parsed.etag === 'string' ? parsed.etag : '',
      lastModified: typeof parsed.lastModified === 'string' ? parsed.lastModified : '',
    };
  } catch {
    // A torn or hand-edited file must not make the object unreadable.
    return undefined;
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}
