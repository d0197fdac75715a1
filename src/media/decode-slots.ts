/**
 * How many uploads the web server decodes at once during the request (decode-check.ts), and how
 * many may wait. sharp runs each decode on a thread of libuv's pool (UV_THREADPOOL_SIZE, 4 by
 * default), which password hashing (2 slots, tenancy/password-hashing.ts), local-disk reads and
 * DNS share: one per core would fill the default pool on a 2-core machine and stall every file
 * read behind a burst of uploads. So decodes leave the hashing slots and one more thread free —
 * one decode at a time with the default pool — and past a small waiting room an upload is
 * refused at once (503 with Retry-After) instead of waiting behind an unbounded queue.
 *
 * @example
 *   const uploadDecodes = uploadDecodeSlots(config.threadPoolSize, passwords.concurrency);   // once, at start-up
 *   await startInspection(bytes, { decodeSlots: uploadDecodes });     // AppError Unavailable when full
 */
import { availableParallelism } from 'node:os';
import { Semaphore } from './semaphore.js';

/** Kept free for file reads and DNS whatever else runs. */
const SPARE_THREADS = 1;
/** Uploads that may wait for a decode: about a second at ~50 ms a decode. */
export const DECODE_WAITING_ROOM = 16;
/** What a refused upload's Retry-After says. */
export const DECODE_RETRY_SECONDS = 2;
export const DECODE_BUSY_MESSAGE = 'Too many images are being checked right now. Try again in a moment.';

/** Decodes at once: at most one per core, and never so many that the pool has no thread left over. */
export function decodeSlotCount(threadPoolSize: number, hashingThreads: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, threadPoolSize - hashingThreads - SPARE_THREADS));
}

/** `hashingThreads`: the pool threads password hashing may hold at once (PasswordHashing.concurrency). */
export function uploadDecodeSlots(threadPoolSize: number, hashingThreads: number, cores = availableParallelism()): Semaphore {
  return new Semaphore(decodeSlotCount(threadPoolSize, hashingThreads, cores), { maxWaiting: DECODE_WAITING_ROOM });
}
