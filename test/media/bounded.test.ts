import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/media/bounded.js';
import { Semaphore } from '../../src/media/semaphore.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('mapBounded', () => {
  it('keeps order and never runs more than the limit', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick(n % 3);
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });

  it('starts nothing new after a failure and waits for the running ones before throwing', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const err = await mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('boom');
      await tick(20);
      finished.push(n);
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('boom');
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([1]); // the running task was awaited, not abandoned
  });
});

describe('Semaphore', () => {
  it('lets at most `size` tasks run at once, releasing on failure too', async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const task = (fail: boolean) =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        if (fail) throw new Error('x');
      });
    const results = await Promise.allSettled([task(true), task(false), task(true), task(false), task(false)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(peak).toBe(2);
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });
});
