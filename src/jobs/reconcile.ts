/**
 * Holds the bucket (and the fallback spool) against the assets table and reports where they
 * disagree:
 *
 * - orphans: objects under Vitrina's key space (`t/{tenant}/img/{asset}/…`,
 *   `t/{tenant}/incoming/{asset}`, `t/{tenant}/pending/{id}`) that no asset or pending-upload
 *   row owns — left by a crashed upload, or a commit that failed after the objects were written;
 * - missing: asset rows whose objects are not there — a ready asset's variants, or an
 *   unprocessed upload — which pages would show as broken images.
 *
 * With `apply`, orphans older than the grace period are deleted (younger ones may belong to
 * an upload whose rows are being committed right now) and assets with missing objects are
 * marked broken, so pages show a placeholder. Keys queued for purge are left to the purge
 * worker; keys outside `t/` (another app's, doctor's probes) are never touched.
 *
 * @example
 *   const report = await reconcile({ db, stores, logger }, { tenantId: 7, graceMs: 24 * 3600e3, apply: false });
 */
import type { AssetLocation, Db } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { markAssetBroken } from '../media/assets.repository.js';
import type { ResilientStore } from '../storage/fallback/resilient-store.js';
import { newAssetPrefix, parseAssetPrefix, parseIncomingKey, parsePendingKey, tenantPrefix } from '../storage/key-locator.js';

export interface ReconcileDeps {
  db: Db;
  stores: ResilientStore;
  logger: Logger;
}

export interface ReconcileOptions {
  tenantId?: number | undefined;
  /** Orphans younger than this are reported but kept. */
  graceMs: number;
  apply: boolean;
  signal?: AbortSignal | undefined;
}

export interface OrphanObject {
  key: string;
  size: number;
  lastModified: string | undefined;
  location: AssetLocation;
  action: 'deleted' | 'kept: within the grace period' | 'reported' | 'delete failed';
}

export interface MissingAsset {
  assetId: string;
  tenantId: number;
  status: string;
  location: AssetLocation;
  missing: string[];
  action: 'marked broken' | 'reported';
}

export interface ReconcileReport {
  tenantId: number | undefined;
  applied: boolean;
  graceSeconds: number;
  scanned: { objects: number; assets: number };
  orphans: OrphanObject[];
  missing: MissingAsset[];
  /** Objects whose keys are queued for purge: the purge worker removes them. */
  queuedForPurge: number;
  /** Objects outside Vitrina's key space under the scanned prefix: never touched. */
  foreign: number;
}

interface Listed {
  key: string;
  size: number;
  lastModified: Date | undefined;
}

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const { db, stores } = deps;
  const prefix = options.tenantId === undefined ? 't/' : tenantPrefix(options.tenantId);

  let assetsQuery = db.selectFrom('assets').select(['id', 'tenant_id', 'key_prefix', 'source_key', 'status', 'location', 'variants']);
  if (options.tenantId !== undefined) assetsQuery = assetsQuery.where('tenant_id', '=', options.tenantId);
  const assets = await assetsQuery.execute();
  const byPrefix = new Set(assets.map((a) => a.key_prefix));
  const sources = new Set(assets.flatMap((a) => (a.source_key === null ? [] : [a.source_key])));
  // A form's kept image (catalog/pending-uploads.ts) is owned by its row until an asset takes it as its source.
  let pendingQuery = db.selectFrom('pending_uploads').select('key');
  if (options.tenantId !== undefined) pendingQuery = pendingQuery.where('tenant_id', '=', options.tenantId);
  for (const row of await pendingQuery.execute()) sources.add(row.key);
  // Queued keys are exact keys or asset prefixes ending in '/': one lookup for each.
  const queued = (await db.selectFrom('purge_queue').select('key').execute()).map((q) => q.key);
  const queuedKeys = new Set(queued);
  const isQueued = (key: string) => {
    if (queuedKeys.has(key)) return true;
    const asset = parseAssetPrefix(key);
    return asset !== undefined && queuedKeys.has(newAssetPrefix(asset.tenantId, asset.assetId));
  };

  const listings = new Map<AssetLocation, Map<string, Listed>>();
  for (const location of ['store', 'spool'] as const) {
    if (location === 'spool' && stores.spool === undefined) continue;
    const found = new Map<string, Listed>();
    for await (const o of stores.storeFor(location).listAll(prefix, { signal: options.signal })) found.set(o.key, o);
    listings.set(location, found);
  }

  const report: ReconcileReport = {
    tenantId: options.tenantId,
    applied: options.apply,
    graceSeconds: Math.round(options.graceMs / 1000),
    scanned: { objects: [...listings.values()].reduce((n, l) => n + l.size, 0), assets: assets.length },
    orphans: [],
    missing: [],
    queuedForPurge: 0,
    foreign: 0,
  };

  const now = Date.now();
  for (const [location, found] of listings) {
    const doomed: OrphanObject[] = [];
    for (const object of found.values()) {
      const asset = parseAssetPrefix(object.key);
      const upload = parseIncomingKey(object.key) ?? parsePendingKey(object.key);
      if (asset === undefined && upload === undefined) {
        report.foreign += 1;
        continue;
      }
      const owned = asset !== undefined ? byPrefix.has(newAssetPrefix(asset.tenantId, asset.assetId)) : sources.has(object.key);
      if (owned) continue;
      if (isQueued(object.key)) {
        report.queuedForPurge += 1;
        continue;
      }
      const young = object.lastModified !== undefined && now - object.lastModified.getTime() < options.graceMs;
      const orphan: OrphanObject = {
        key: object.key,
        size: object.size,
        lastModified: object.lastModified?.toISOString(),
        location,
        action: !options.apply ? 'reported' : young ? 'kept: within the grace period' : 'deleted',
      };
      report.orphans.push(orphan);
      if (orphan.action === 'deleted') doomed.push(orphan);
    }
    if (doomed.length > 0) {
      const result = await stores.storeFor(location).deleteMany(
        doomed.map((o) => o.key),
        { signal: options.signal },
      );
      const failed = new Set(result.failed.map((f) => f.key));
      for (const o of doomed) if (failed.has(o.key)) o.action = 'delete failed';
    }
  }

  for (const asset of assets) {
    // A broken asset already shows a placeholder; nothing more to repair.
    if (asset.status === 'broken') continue;
    const found = listings.get(asset.location) ?? new Map<string, Listed>();
    const wanted = asset.status === 'processing' ? (asset.source_key === null ? [] : [asset.source_key]) : asset.variants.map((v) => v.key);
    const missing = wanted.filter((key) => !found.has(key));
    if (missing.length === 0) continue;
    const entry: MissingAsset = {
      assetId: asset.id,
      tenantId: asset.tenant_id,
      status: asset.status,
      location: asset.location,
      missing,
      action: options.apply ? 'marked broken' : 'reported',
    };
    if (entry.action === 'marked broken') await markAssetBroken(db, asset.id);
    report.missing.push(entry);
  }

  deps.logger.info(
    {
      event: 'reconcile',
      tenantId: options.tenantId,
      applied: options.apply,
      orphans: report.orphans.length,
      deleted: report.orphans.filter((o) => o.action === 'deleted').length,
      missing: report.missing.length,
    },
    'reconcile finished',
  );
  return report;
}
