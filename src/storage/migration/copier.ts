/**
 * Where a migration's copies run: in this thread (`inThreadCopier`, over the very stores the
 * caller passed — tests wrap them to count or spoil puts) or in worker threads (`CopyPool`,
 * copy-pool.ts, each opening its own stores from their descriptions). The migration asks a
 * copier for one object at a time and does the rest itself (proof, record, source deletes).
 *
 * @example
 *   const copier = inThreadCopier(source, destination);
 *   const copied = await copier.copy(key, { md5: false, signal });
 */
import type { ObjectStore } from '../object-store.js';
import { copyObject, type CopiedObject } from './copy-verified.js';

export interface CopyRequest {
  /** Also hash the bytes with MD5 (the destination's ETag is then the proof). */
  md5: boolean;
  signal?: AbortSignal | undefined;
}

/** Copies made by one worker thread. */
export interface ThreadTally {
  /** `worker_threads` thread id. */
  threadId: number;
  copies: number;
}

export interface Copier {
  /**
   * Copies `key` from the source to the destination (see `copyObject`).
   * @throws StorageError ObjectNotFound (from the source) | Aborted | any other store error
   */
  copy(key: string, request: CopyRequest): Promise<CopiedObject>;
  /** The worker threads that made copies, with how many each; empty when copying in this thread. */
  threads(): ThreadTally[];
  /** Ends the workers, if any (the caller's stores stay open). */
  close(): Promise<void>;
}

/** Copies in this thread, through the stores given. */
export function inThreadCopier(source: ObjectStore, destination: ObjectStore): Copier {
  return {
    copy: (key, { md5, signal }) => copyObject(source, destination, key, { md5, signal }),
    threads: () => [],
    close: () => Promise.resolve(),
  };
}
