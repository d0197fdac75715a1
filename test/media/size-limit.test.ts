import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { formatMegabytes, readWithLimit } from '../../src/media/size-limit.js';
import { countingSource } from './media-fixtures.js';

describe('readWithLimit', () => {
  it('formats the limit as the first app did', () => {
    expect(formatMegabytes(2 * 1024 * 1024)).toBe('2.0 MB');
    expect(formatMegabytes(5_000_000)).toBe('4.8 MB');
  });

  it('reads a body up to exactly the limit', async () => {
    const source = countingSource(1000, 4);
    const bytes = await readWithLimit(source, 4000);
    expect(bytes.length).toBe(4000);
  });

  it('fails at byte limit + 1 without pulling the rest of the stream', async () => {
    const source = countingSource(1024, 10_000); // 10 MB on offer
    const err = await readWithLimit(source, 2048).catch((e: unknown) => e);
    expect(isAppError(err, 'TooLarge')).toBe(true);
    expect((err as Error).message).toMatch(/^File too large\. Maximum /);
    expect(source.pulled).toBe(3 * 1024); // the chunk holding byte 2049, not one more
    expect(source.finished).toBe(true); // the producer was told to stop
  });

  it('says "Maximum 2.0 MB" for the default limit and stops just past it', async () => {
    const limit = 2 * 1024 * 1024;
    const source = countingSource(64 * 1024, 1000); // 64 MB on offer
    const err = await readWithLimit(source, limit).catch((e: unknown) => e);
    expect((err as Error).message).toBe('File too large. Maximum 2.0 MB');
    expect((err as { status: number }).status).toBe(413);
    expect(source.pulled).toBe(limit + 64 * 1024);
  });

  it('destroys a Node stream it stopped reading', async () => {
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(1024);
      })(),
    );
    await expect(readWithLimit(stream, 1500)).rejects.toThrow('File too large');
    await new Promise((r) => setImmediate(r));
    expect(stream.destroyed).toBe(true);
  });

  it('gives up on a stalled source when the signal fires', async () => {
    const stalled: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => undefined) }),
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 20);
    const err = await readWithLimit(stalled, 100, controller.signal).catch((e: unknown) => e);
    expect(isAppError(err, 'Aborted')).toBe(true);
  });
});
