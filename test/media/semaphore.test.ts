/** The decode stage's counting semaphore (src/media/semaphore.ts); tasks end when the test says so. */
import { describe, expect, it } from 'vitest';
import { Semaphore, SemaphoreFullError } from '../../src/media/semaphore.js';

/** One turn of the event loop: every promise callback queued so far has run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('lets at most `size` tasks run at once, releasing on failure too', async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const task = (fail: boolean) =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running -= 1;
        if (fail) throw new Error('x');
      });
    const all = Promise.allSettled([task(true), task(false), task(true), task(false), task(false)]);
    for (let ended = 0; ended < 5; ended++) {
      await settle();
      expect(running).toBeLessThanOrEqual(2);
      expect(gate.queued).toBe(Math.max(0, 3 - ended));
      release.shift()!();
    }
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(peak).toBe(2);
    expect(await gate.run(async () => 'free again')).toBe('free again');
  });

  it('refuses a task at once when the waiting room is full', async () => {
    const gate = new Semaphore(1, { maxWaiting: 1 });
    let open!: () => void;
    const first = gate.run(() => new Promise<void>((resolve) => (open = resolve)));
    const second = gate.run(async () => 'second');
    await expect(gate.run(async () => 'third')).rejects.toThrow(SemaphoreFullError);
    open();
    await first;
    expect(await second).toBe('second');
  });
});
