/**
 * The one bounded-concurrency loop (src/each-bounded.ts). Tasks finish when the test says so
 * (a `gate` per task), never after a real delay, so the order of events is the test's own.
 */
import { describe, expect, it } from 'vitest';
import { eachBounded, mapBounded } from '../src/each-bounded.js';

/** A promise the test resolves or rejects by hand. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every promise callback queued so far (and those they queue) run: one turn of the event loop. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A task per item that records what runs and waits for its own gate. */
function tracked<T>(items: readonly T[]) {
  const gates = new Map(items.map((item) => [item, gate()]));
  const state = { running: 0, peak: 0, started: [] as T[], finished: [] as T[] };
  const task = async (item: T) => {
    state.started.push(item);
    state.running += 1;
    state.peak = Math.max(state.peak, state.running);
    try {
      await gates.get(item)!.promise;
      state.finished.push(item);
    } finally {
      state.running -= 1;
    }
  };
  return { state, task, gates };
}

describe('eachBounded', () => {
  it('runs at most `limit` tasks at once, starting the next as one ends, and counts what it started', async () => {
    const { state, task, gates } = tracked([1, 2, 3, 4, 5]);
    const done = eachBounded([1, 2, 3, 4, 5], 2, task);
    await settle();
    expect(state.started).toEqual([1, 2]);
    gates.get(2)!.open();
    await settle();
    expect(state.started).toEqual([1, 2, 3]);
    for (const g of gates.values()) g.open();
    expect(await done).toBe(5);
    expect(state.peak).toBe(2);
    expect(state.finished).toHaveLength(5);
  });

  it('goes on after a task fails: each task reports its own outcome', async () => {
    const seen: number[] = [];
    const started = await eachBounded([1, 2, 3, 4], 2, async (n) => {
      if (n === 2) throw new Error('one bad item');
      seen.push(n);
    });
    expect(started).toBe(4);
    expect(seen).toEqual([1, 3, 4]);
  });

  it('pulls no item after the abort, awaits the tasks in flight and closes a generator source', async () => {
    const { state, task, gates } = tracked([0, 1, 2, 3, 4, 5]);
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; i < 6; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const controller = new AbortController();
    const done = eachBounded(source(), 2, task, controller.signal);
    await settle();
    controller.abort();
    let returned = false;
    void done.then(() => (returned = true));
    await settle();
    expect(returned).toBe(false); // the two in flight are still running
    for (const g of gates.values()) g.open();
    expect(await done).toBe(2);
    expect(state.started).toEqual([0, 1]);
    expect(state.finished).toEqual([0, 1]);
    expect(closed).toBe(true);
  });

  it("throws the source's error once the tasks in flight have settled", async () => {
    const { state, task, gates } = tracked([0, 1]);
    async function* source() {
      yield 0;
      yield 1;
      throw new Error('page 2 failed');
    }
    const done = eachBounded(source(), 4, task);
    const outcome = done.catch((error: unknown) => error);
    await settle();
    expect(state.started).toEqual([0, 1]);
    gates.get(0)!.open();
    gates.get(1)!.open();
    expect(await outcome).toEqual(new Error('page 2 failed'));
    expect(state.finished).toEqual([0, 1]);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await expect(eachBounded([1], 0, async () => {})).rejects.toThrow(RangeError);
    await expect(eachBounded([1], 1.5, async () => {})).rejects.toThrow(RangeError);
  });
});

describe('mapBounded', () => {
  it('keeps the order of the items whatever order the tasks end in, and never runs more than the limit', async () => {
    const items = [1, 2, 3, 4, 5, 6, 7];
    const gates = new Map(items.map((n) => [n, gate()]));
    let running = 0;
    let peak = 0;
    const done = mapBounded(items, 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await gates.get(n)!.promise;
      running -= 1;
      return n * 10;
    });
    // Ended last first, a turn apart: each ending starts the next item, and the results come in out of order.
    for (const n of [...items].reverse()) {
      await settle();
      gates.get(n)!.open();
    }
    expect(await done).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });

  it('returns an empty list for no items', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });

  it('starts nothing new after a failure and waits for the running ones before throwing', async () => {
    const { state, task, gates } = tracked([1, 2, 3, 4, 5, 6]);
    const done = mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      if (n === 2) {
        state.started.push(n);
        throw new Error('boom');
      }
      return task(n);
    });
    const outcome = done.catch((error: unknown) => error);
    let settled = false;
    void outcome.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false); // item 1 is still running, and is awaited, not abandoned
    // Every gate opens, so a loop that went on after the failure would end too, and be caught below.
    for (const g of gates.values()) g.open();
    expect(await outcome).toEqual(new Error('boom'));
    expect(state.started).toEqual([1, 2]);
    expect(state.finished).toEqual([1]);
  });
});
