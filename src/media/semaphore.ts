/**
 * A counting semaphore for the decode stage. Each decoded upload holds its raw pixels (up to
 * width × height × 4 bytes: 160 MB at the 40-megapixel limit) until its outputs are encoded,
 * so the app should bound how many are decoded at once — e.g. one per core — rather than let
 * every request in flight hold a frame.
 *
 * With `maxWaiting`, at most that many tasks wait for a slot; one more is refused at once with
 * {@link SemaphoreFullError} (the caller says "busy, try again"), so a burst cannot build a queue
 * whose last task waits minutes.
 *
 * @example
 *   const decodeSlots = new Semaphore(os.availableParallelism());   // once, at start-up
 *   await decodeSlots.run(() => processImage(bytes, options));
 *   const bounded = new Semaphore(1, { maxWaiting: 16 });   // the 18th at once: SemaphoreFullError
 */
export class SemaphoreFullError extends Error {
  override readonly name = 'SemaphoreFullError';
}

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  readonly maxWaiting: number;

  constructor(
    readonly size: number,
    options: { maxWaiting?: number | undefined } = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Semaphore size must be a positive integer, got ${size}`);
    this.maxWaiting = options.maxWaiting ?? Infinity;
    if (!(this.maxWaiting >= 0)) throw new RangeError(`Semaphore maxWaiting must be 0 or more, got ${this.maxWaiting}`);
  }

  /** Tasks waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` in a slot; rejects with SemaphoreFullError, without running it, when the waiting
   * room is full. `maxWaiting` narrows the room for this task (a caller of lower priority).
   */
  async run<T>(task: () => Promise<T>, options: { maxWaiting?: number } = {}): Promise<T> {
    if (this.active >= this.size) {
      if (this.waiting.length >= Math.min(this.maxWaiting, options.maxWaiting ?? Infinity)) {
        throw new SemaphoreFullError(`all ${this.size} slots busy and ${this.waiting.length} tasks waiting`);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active += 1;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
