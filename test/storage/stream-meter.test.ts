import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamMeter } from '../../src/storage/stream-meter.js';

/** A source that counts how many bytes were pulled from it. */
function countingSource(total: number, chunk = 1000) {
  const state = { pulled: 0 };
  const stream = new Readable({
    read() {
      if (state.pulled >= total) return this.push(null);
      const n = Math.min(chunk, total - state.pulled);
      state.pulled += n;
      this.push(Buffer.alloc(n, 7));
    },
  });
  return { stream, state };
}

const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

describe('StreamMeter', () => {
  it('passes an exact-limit stream and reports its size and sha256', async () => {
    const { stream } = countingSource(10_000);
    const meter = new StreamMeter({ maxBytes: 10_000 });
    await pipeline(stream, meter, sink());
    expect(meter.bytes).toBe(10_000);
    expect(meter.sha256()).toBe(createHash('sha256').update(Buffer.alloc(10_000, 7)).digest('hex'));
  });

  it('fails at limit + 1 without pulling the rest of a large stream', async () => {
    const { stream, state } = countingSource(50_000_000, 1000);
    const meter = new StreamMeter({ maxBytes: 10_000 });
    await expect(pipeline(stream, meter, sink())).rejects.toMatchObject({ code: 'TooLarge' });
    expect(state.pulled).toBeLessThan(200_000);
  });

  it('fails a stream shorter or longer than its declared length', async () => {
    await expect(pipeline(countingSource(99).stream, new StreamMeter({ expectedLength: 100 }), sink())).rejects.toThrow(
      /99 of its declared 100/,
    );
    await expect(pipeline(countingSource(101).stream, new StreamMeter({ expectedLength: 100 }), sink())).rejects.toThrow(
      /longer than its declared length/,
    );
  });
});
