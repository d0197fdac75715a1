/**
 * The upload decodes' slots (media/decode-slots.ts): sized to leave libuv's pool threads for
 * password hashing and file reads, with a bounded waiting room past which an upload is refused
 * at once — 503 with Retry-After — instead of queueing without end.
 */
import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../src/errors.js';
import { DECODE_BUSY_MESSAGE, DECODE_WAITING_ROOM, decodeSlotCount, uploadDecodeSlots } from '../../src/media/decode-slots.js';
import { inspectUpload } from '../../src/media/inspect-upload.js';
import { Semaphore, SemaphoreFullError } from '../../src/media/semaphore.js';
import { PasswordHashing } from '../../src/tenancy/password-hashing.js';
import { makeImage } from './media-fixtures.js';

/** The pool threads password hashing holds by default (2), as app.ts passes them. */
const HASHING_THREADS = new PasswordHashing({ N: 1024, r: 8, p: 1 }).concurrency;

/** A task that runs until `release` is called. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { task: () => done, release };
}

describe('decodeSlotCount', () => {
  it('leaves the 2 hashing threads and 1 more of the pool free, one decode at least, one per core at most', () => {
    expect(decodeSlotCount(4, HASHING_THREADS, 2)).toBe(1);
    expect(decodeSlotCount(4, HASHING_THREADS, 16)).toBe(1);
    expect(decodeSlotCount(8, HASHING_THREADS, 2)).toBe(2);
    expect(decodeSlotCount(8, HASHING_THREADS, 16)).toBe(5);
    expect(decodeSlotCount(64, HASHING_THREADS, 8)).toBe(8);
    expect(decodeSlotCount(1, HASHING_THREADS, 4)).toBe(1);
  });

  it('makes the web server one decode at a time with the default pool, and 16 waiting at most', () => {
    const slots = uploadDecodeSlots(4, HASHING_THREADS, 2);
    expect([slots.size, slots.maxWaiting]).toEqual([1, DECODE_WAITING_ROOM]);
    expect(DECODE_WAITING_ROOM).toBe(16);
  });
});

describe('Semaphore with a waiting room', () => {
  it('refuses at once, without running it, the task that finds every slot busy and the room full', async () => {
    const slots = new Semaphore(1, { maxWaiting: 2 });
    const first = held();
    const ran: string[] = [];
    const running = slots.run(first.task);
    const waiting = [slots.run(async () => void ran.push('a')), slots.run(async () => void ran.push('b'))];
    expect(slots.queued).toBe(2);
    await expect(slots.run(async () => void ran.push('refused'))).rejects.toBeInstanceOf(SemaphoreFullError);
    expect(slots.queued).toBe(2);
    first.release();
    await Promise.all([running, ...waiting]);
    expect(ran).toEqual(['a', 'b']);
    // The room is empty again: the next task runs.
    await slots.run(async () => void ran.push('c'));
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('waits without a bound when no room size is given', async () => {
    const slots = new Semaphore(1);
    const first = held();
    const running = slots.run(first.task);
    const waiting = Array.from({ length: 100 }, () => slots.run(async () => undefined));
    expect(slots.queued).toBe(100);
    first.release();
    await Promise.all([running, ...waiting]);
  });
});

describe('inspectUpload with its decode slots full', () => {
  it('refuses the upload with Unavailable (503), a message and a Retry-After, and decodes nothing', async () => {
    const slots = new Semaphore(1, { maxWaiting: 0 });
    const busy = held();
    const running = slots.run(busy.task);
    const err = await inspectUpload(await makeImage('jpeg', 64, 48), { decodeSlots: slots }).catch((e: unknown) => e);
    busy.release();
    await running;
    expect(isAppError(err, 'Unavailable')).toBe(true);
    const refusal = err as AppError;
    expect([refusal.status, refusal.message, refusal.retryAfterSeconds]).toEqual([503, DECODE_BUSY_MESSAGE, 2]);
    // Once a slot is free, the same upload passes.
    await expect(inspectUpload(await makeImage('jpeg', 64, 48), { decodeSlots: slots })).resolves.toMatchObject({ width: 64 });
  });
});
