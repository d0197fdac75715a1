/**
 * The one bounded-concurrency loop: runs `task` for every item of a (possibly endless, lazily
 * paged) source with at most `limit` tasks in flight. One task failing does not stop the others:
 * each task reports its own outcome ({@link mapBounded} is the variant that stops at the first
 * failure). Once `signal` fires no new item is pulled; the tasks in flight get the same signal
 * and are awaited, so nothing is left running when this returns (the loops end with `allSettled`).
 *
 * @example
 *   await eachBounded(planned(db), 8, async (object) => { await copy(object, signal); }, signal);
 * @returns how many items were started
 * @throws whatever the source throws (after the tasks in flight have settled)
 */
export async function eachBounded<T>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  task: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  let started = 0;
  let exhausted = false;
  let sourceError: { error: unknown } | undefined;
  // Workers share one iterator; pulls are serialised so a paging source is never asked twice at once.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<IteratorResult<T> | undefined> => {
    const next = pulling.then(async () => {
      if (exhausted || sourceError !== undefined || signal?.aborted) return undefined;
      try {
        const step = await iterator.next();
        if (step.done) exhausted = true;
        return step;
      } catch (error) {
        sourceError = { error };
        return undefined;
      }
    });
    pulling = next;
    return next;
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      const step = await pull();
      if (step === undefined || step.done) return;
      const index = started++;
      try {
        await task(step.value, index);
      } catch {
        // A task reports its own outcome; a throw here must not stop the other workers.
      }
    }
  };
  await Promise.allSettled(Array.from({ length: limit }, worker));
  // Stopped early (abort): let a generator source run its `finally` (close cursors, files).
  if (!exhausted && sourceError === undefined) await Promise.resolve(iterator.return?.()).catch(() => undefined);
  if (sourceError !== undefined) throw sourceError.error;
  return started;
}

/**
 * {@link eachBounded} over an array, collecting results in the order of `items`. On the first
 * failure no new task starts, the running ones are awaited (nothing is left running), and the
 * first error is thrown: for work that is all-or-nothing, such as the puts of one image.
 *
 * @example
 *   const sizes = await mapBounded(keys, 4, async (key) => (await store.head(key, { signal })).size);
 * @throws the first error a task threw, once every started task has settled
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let failure: { error: unknown } | undefined;
  // Aborting stops eachBounded pulling more items; the task itself is not given this signal.
  const stop = new AbortController();
  await eachBounded(
    items,
    Math.max(1, Math.min(limit, items.length)),
    async (item, index) => {
      try {
        results[index] = await task(item, index);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    },
    stop.signal,
  );
  if (failure !== undefined) throw failure.error;
  return results;
}
