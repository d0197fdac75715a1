/**
 * Writes a migration's progress rows in batches: one multi-row upsert per `batchSize` verified
 * objects or per `delayMs`, whichever comes first. On the embedded database a statement costs
 * about a millisecond of CPU no matter how many rows it carries, so one row per object would
 * make the database, not the copying, the limit.
 *
 * `record` resolves once the row is committed: a caller that must not go on before (deleting
 * the source) awaits it; others let it ride. `close` flushes the rest and rethrows a failed
 * write. The price of batching: a crash (not Ctrl-C, which flushes) loses at most the rows of
 * the last `delayMs`, whose objects a rerun copies — and verifies — once more.
 *
 * @example
 *   const writer = new ProgressWriter(db, route);
 *   void writer.record(row);          // or: await writer.record(row) before deleting the source
 *   await writer.close();
 */
import type { Db } from '../../db/schema.js';
import { recordMigratedMany, type MigratedRow } from './migration-progress.repository.js';

interface Pending {
  row: MigratedRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class ProgressWriter {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly db: Db,
    private readonly route: string,
    private readonly options: { batchSize?: number; delayMs?: number } = {},
  ) {}

  record(row: MigratedRow): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const done = new Promise<void>((resolve, reject) => this.pending.push({ row, resolve, reject }));
    // Nobody may await it: the failure is kept for close() instead of going unhandled.
    done.catch(() => undefined);
    if (this.pending.length >= (this.options.batchSize ?? 200)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs ?? 100);
    return done;
  }

  /** Starts writing what is queued (after the write in progress, if any). */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      try {
        await recordMigratedMany(
          this.db,
          this.route,
          batch.map((p) => p.row),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        this.failure ??= err;
        for (const p of batch) p.reject(err);
      }
    });
  }

  /** Writes everything queued; throws the first failed write. */
  async close(): Promise<void> {
    this.flush();
    await this.writing;
    if (this.failure !== undefined)
      throw new Error(`could not record the migration's progress: ${(this.failure as Error).message ?? String(this.failure)}`, {
        cause: this.failure,
      });
  }
}
