/**
 * The metadata file kept beside each object, in its own tree (`root/meta/<key>.json`) so no key
 * can ever name a metadata file. Written before the data is renamed into place, so a visible
 * object always has one; an object written by hand without one still reads (its size and date
 * then come from the file itself).
 *
 * @example
 *   {"contentType":"image/jpeg","metadata":{},"size":10,"sha256":"9f86…","etag":"\"9f86…\"","lastModified":"2024-05-01T10:00:00.000Z"}
 */
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { HeadResult, PutOptions } from '../object-store.js';
import { errnoOf } from './fs-errors.js';

export interface ObjectMeta {
  contentType: string;
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  metadata: Record<string, string>;
  size: number;
  /** Lowercase hex sha256 of the data; `etag` is it quoted. */
  sha256: string;
  etag: string;
  /** ISO-8601 time the object was committed. */
  lastModified: string;
}

/** A metadata file as read: any field may be missing or of the wrong type (written by hand, torn). */
export type MetaFile = Partial<Record<keyof ObjectMeta, unknown>>;

export function metaFor({ contentType, cacheControl, contentDisposition, metadata }: PutOptions, size: number, sha256: string): ObjectMeta {
  const lastModified = new Date().toISOString();
  return { contentType, cacheControl, contentDisposition, metadata: { ...metadata }, size, sha256, etag: `"${sha256}"`, lastModified };
}

export function serializeMeta(meta: ObjectMeta): string {
  return `${JSON.stringify(meta)}\n`;
}

/** What the metadata file at `file` says: nothing (`{}`) when it is missing or not a JSON object. */
export async function readMeta(file: string): Promise<MetaFile> {
  const text = await readFile(file, 'utf8').catch((err: unknown) =>
    errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR' ? '' : Promise.reject(err),
  );
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Head fields from the data file's stats (size and existence: the truth) and what its metadata says. */
export function toHead(key: string, stats: Stats, meta: MetaFile): HeadResult {
  // Metadata that disagrees with the file (edited by hand, torn) must not vouch for its bytes.
  const trusted = meta.size === stats.size;
  const sha256 = text(meta.sha256);
  const lastModified = new Date(text(meta.lastModified) ?? Number.NaN);
  const { metadata } = meta;
  const isRecord = typeof metadata === 'object' && metadata !== null && Object.values(metadata).every((v) => typeof v === 'string');
  return {
    key,
    size: stats.size,
    contentType: text(meta.contentType),
    cacheControl: text(meta.cacheControl),
    contentDisposition: text(meta.contentDisposition),
    metadata: isRecord ? { ...(metadata as Record<string, string>) } : {},
    etag: (trusted && text(meta.etag)) || undefined,
    lastModified: Number.isNaN(lastModified.getTime()) ? stats.mtime : lastModified,
    // Length first: the regex only ever sees 64 characters.
    sha256: trusted && sha256?.length === 64 && HEX_SHA256.test(sha256) ? sha256 : undefined,
  };
}
