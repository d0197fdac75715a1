/**
 * A counting semaphore for the decode stage. Each decoded upload holds its raw pixels (up to
 * width × height × 4 bytes: 160 MB at the 40-megapixel limit) until its outputs are encoded,
 * so the app should bound how many are decoded at once — e.g. one per core — rather than let
 * every request in flight hold a frame.
 *
 * @example
 *   const decodeSlots = new Semaphore(os.availableParallelism());   // once, at start-up
 *   await decodeSlots.run(() => processImage(bytes, options));
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Semaphore size must be a positive integer, got ${size}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
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
