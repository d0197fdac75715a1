/**
 * The background workers' claims on asset rows: image processing and spool replication each
 * take a few rows with a lease (`FOR UPDATE SKIP LOCKED`), so any number of instances share the
 * work without a broker, and a dead instance's rows are taken over once its lease runs out.
 * Also the backlogs /metrics reports. Plain functions taking `db` or a transaction.
 *
 * @example
 *   const claimed = await claimProcessing(db, { limit: 4, leaseSeconds: 120 });
 *   for (const asset of claimed) await finishProcessing(trx, asset.id, { … });
 */
import { sql } from 'kysely';
import type { Asset, AssetLocation, AssetVariant, Db } from '../db/schema.js';

/**
 * Claims up to `limit` assets waiting for processing and leases them to the caller for
 * `leaseSeconds`: rows another worker holds (lease not yet passed, or locked right now) are
 * skipped, so any number of instances share the work. `ids` restricts the claim (the
 * instance that took the upload processes it at once, from the bytes it still holds).
 */
export async function claimProcessing(db: Db, options: { limit: number; leaseSeconds: number; ids?: readonly string[] }): Promise<Asset[]> {
  if (options.ids !== undefined && options.ids.length === 0) return [];
  return db
    .updateTable('assets')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', (eb) => {
      let q = eb
        .selectFrom('assets')
        .select('id')
        .where('status', '=', 'processing')
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', sql<Date>`now()`)]));
      if (options.ids !== undefined) q = q.where('id', 'in', options.ids);
      return q
        .orderBy('created_at')
        .limit(Math.max(1, Math.trunc(options.limit)))
        .forUpdate()
        .skipLocked();
    })
    .returningAll()
    .execute();
}

/**
 * Records what processing stored and marks the asset ready; the upload's key is let go (the
 * caller queues it for purge in the same transaction). Undefined when the asset is gone or
 * no longer waiting (its product was deleted meanwhile): then the new objects are orphans.
 */
export async function finishProcessing(
  db: Db,
  id: string,
  values: {
    variants: AssetVariant[];
    width: number;
    height: number;
    bytes: number;
    sha256: string;
    contentType: string;
    location: AssetLocation;
  },
): Promise<Asset | undefined> {
  return db
    .updateTable('assets')
    .set({
      status: 'ready',
      location: values.location,
      variants: JSON.stringify(values.variants),
      width: values.width,
      height: values.height,
      bytes: values.bytes,
      sha256: values.sha256,
      content_type: values.contentType,
      source_key: null,
      claimed_until: null,
      last_error: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Processing failed. `final` (the image itself is bad, or attempts ran out) marks the asset
 * broken and lets go of its upload; otherwise the lease is extended by a backoff of
 * 2^attempts seconds (capped at 10 minutes) before another try. An outage of the store
 * (`outage`) is not the image's fault: it does not count as an attempt and waits 10 s.
 */
export async function failProcessing(
  db: Db,
  id: string,
  error: string,
  options: { final: boolean; outage?: boolean },
): Promise<Asset | undefined> {
  return db
    .updateTable('assets')
    .set((eb) => ({
      attempts: options.outage ? eb.ref('attempts') : eb('attempts', '+', 1),
      last_error: error.slice(0, 2000),
      ...(options.final
        ? { status: 'broken' as const, source_key: null, claimed_until: null }
        : options.outage
          ? { claimed_until: sql<Date>`now() + interval '10 seconds'` }
          : { claimed_until: sql<Date>`now() + make_interval(secs => least(power(2, attempts + 1), 600))` }),
    }))
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .returningAll()
    .executeTakeFirst();
}

/** Claims ready assets whose objects wait in the fallback spool (the replicator's work), with a lease. */
export async function claimSpooled(db: Db, options: { limit: number; leaseSeconds: number }): Promise<Asset[]> {
  return db
    .updateTable('assets')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('assets')
        .select('id')
        .where('location', '=', 'spool')
        .where('status', '=', 'ready')
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', sql<Date>`now()`)]))
        .orderBy('created_at')
        .limit(Math.max(1, Math.trunc(options.limit)))
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** The asset's objects are now in the object store: switch its location (only from the spool). */
export async function finishReplication(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('assets')
    .set({ location: 'store', claimed_until: null })
    .where('id', '=', id)
    .where('location', '=', 'spool')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives a claimed asset back, to be tried again after `seconds`. */
export async function releaseClaim(db: Db, id: string, seconds: number): Promise<void> {
  await db
    .updateTable('assets')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${seconds})` })
    .where('id', '=', id)
    .execute();
}

/** Assets (not broken) whose objects are in the spool, and the bytes the spool holds for them. */
export async function spoolBacklog(db: Db): Promise<number> {
  const row = await db
    .selectFrom('assets')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('location', '=', 'spool')
    .where('status', '<>', 'broken')
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Uploads waiting to be processed. */
export async function processingBacklog(db: Db): Promise<number> {
  const row = await db
    .selectFrom('assets')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'processing')
    .executeTakeFirstOrThrow();
  return row.n;
}
