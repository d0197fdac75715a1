/**
 * Brings an old app's products and their images into one tenant, every image through the same
 * pipeline as an upload: the request-time checks (inspectUpload: type from the bytes, no
 * markup, pixel limit, a complete container), then `createProduct`, then full processing
 * (decode, orient, strip metadata, variants) at once, so a file only a full decode finds
 * damaged is refused too — and its product taken back out. Nothing refused is imported.
 *
 * Each imported product is recorded (legacy_imports) in the transaction that creates it, so a
 * rerun skips it — and finishes processing an image an interrupted run left waiting — while
 * a SKU the tenant already had from the app is reported as a conflict, not silently skipped.
 *
 * @example
 *   const report = await importLegacy(deps, { tenantId: 3, rows, source: 'products.csv', images, dryRun: false });
 *   report.refused;   // [{ line: 7, sku: 'X-1', kind: 'refused', reason: 'image "x.pdf": File type not allowed: application/pdf' }]
 */
import type { MediaConfig } from '../../config.js';
import { isAppError } from '../../errors.js';
import { eachBounded } from '../../each-bounded.js';
import { processAsset, type ProcessDeps } from '../../jobs/process-images.js';
import { claimProcessing } from '../../jobs/asset-claims.repository.js';
import { inspected, inspectUpload, type InspectedUpload } from '../../media/inspect-upload.js';
import { createProduct, deleteProduct, type CatalogDeps } from '../catalog.service.js';
import { listUnits } from '../units.repository.js';
import type { LegacyCsvRow } from './legacy-csv.js';
import type { LegacyImage, LegacyImageSource } from './legacy-images.js';
import { findExistingSkus, recordLegacyImport } from './legacy-imports.repository.js';
import { checkLegacyRows, type CheckedRow } from './legacy-rows.js';

export interface LegacyImportDeps {
  /** The catalog (its hooks are not used: the importer processes each image itself). */
  catalog: CatalogDeps;
  processing: ProcessDeps;
  media: MediaConfig;
}

export interface LegacyImportOptions {
  tenantId: number;
  rows: readonly LegacyCsvRow[];
  /** Names the file in the record of each imported row (`products.csv` → `products.csv:12`). */
  source: string;
  images: LegacyImageSource;
  dryRun?: boolean | undefined;
  /** Rows whose images are read and processed at once (default 2). */
  concurrency?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: { done: number; total: number; imported: number; imageBytes: number }) => void) | undefined;
}

export type RowOutcome =
  | { line: number; sku: string; kind: 'imported'; productId: number; image: 'ready' | 'none' | 'waiting' }
  | { line: number; sku: string; kind: 'would-import'; image: boolean }
  | { line: number; sku: string; kind: 'skipped'; productId: number; reason: string }
  | { line: number; sku: string | undefined; kind: 'refused'; reason: string };

export interface LegacyImportReport {
  tenantId: number;
  dryRun: boolean;
  rows: number;
  /** In line order. */
  outcomes: RowOutcome[];
  imported: number;
  skipped: number;
  refused: Extract<RowOutcome, { kind: 'refused' }>[];
  /** Bytes of the images read. */
  imageBytes: number;
  interrupted: boolean;
  elapsedMs: number;
}

const LEASE_SECONDS = 300;

export async function importLegacy(deps: LegacyImportDeps, options: LegacyImportOptions): Promise<LegacyImportReport> {
  const started = performance.now();
  const { db } = deps.catalog;
  const checked = checkLegacyRows(options.rows, await listUnits(db));
  const existing = await findExistingSkus(
    db,
    options.tenantId,
    checked.flatMap((r) => (r.ok ? [r.input.sku] : [])),
  );
  const outcomes = new Map<number, RowOutcome>();
  let imageBytes = 0;
  let imported = 0;
  const report = () => options.onProgress?.({ done: outcomes.size, total: checked.length, imported, imageBytes });

  const pending: Extract<CheckedRow, { ok: true }>[] = [];
  for (const row of checked) {
    if (!row.ok) {
      outcomes.set(row.line, { line: row.line, sku: row.sku, kind: 'refused', reason: row.reason });
      continue;
    }
    const sku = row.input.sku;
    const found = existing.get(sku.toLowerCase());
    if (found === undefined) pending.push(row);
    else if (found.inTrash) {
      outcomes.set(row.line, {
        line: row.line,
        sku,
        kind: 'refused',
        reason: `SKU ${JSON.stringify(sku)} belongs to a product in tenant ${options.tenantId}'s trash; restore it or delete it forever in the app, then run the import again`,
      });
    } else if (found.importedFrom === undefined) {
      outcomes.set(row.line, {
        line: row.line,
        sku,
        kind: 'refused',
        reason: `SKU ${JSON.stringify(sku)} already exists in tenant ${options.tenantId} (made in the app, not imported); rename it in the CSV or remove the row`,
      });
    } else {
      // An earlier run imported it; an image it left waiting is processed now.
      if (found.pendingAssetId !== undefined && !options.dryRun) await processWaiting(deps, found.pendingAssetId, options.signal);
      outcomes.set(row.line, {
        line: row.line,
        sku,
        kind: 'skipped',
        productId: found.productId,
        reason: `imported before (${found.importedFrom})`,
      });
    }
  }
  report();

  await eachBounded(
    pending,
    options.concurrency ?? 2,
    async (row) => {
      const outcome = await importRow(deps, options, row, (bytes) => (imageBytes += bytes));
      if (outcome === undefined) return; // aborted: the row is left for the next run
      if (outcome.kind === 'imported') imported += 1;
      outcomes.set(row.line, outcome);
      report();
    },
    options.signal,
  );

  const ordered = [...outcomes.values()].sort((a, b) => a.line - b.line);
  return {
    tenantId: options.tenantId,
    dryRun: options.dryRun === true,
    rows: checked.length,
    outcomes: ordered,
    imported: ordered.filter((o) => o.kind === 'imported' || o.kind === 'would-import').length,
    skipped: ordered.filter((o) => o.kind === 'skipped').length,
    refused: ordered.filter((o): o is Extract<RowOutcome, { kind: 'refused' }> => o.kind === 'refused'),
    imageBytes,
    interrupted: options.signal?.aborted === true && outcomes.size < checked.length,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** One row: read and check its image, then create the product and process the image. Undefined when aborted. */
async function importRow(
  deps: LegacyImportDeps,
  options: LegacyImportOptions,
  row: Extract<CheckedRow, { ok: true }>,
  countBytes: (n: number) => void,
): Promise<RowOutcome | undefined> {
  const { signal } = options;
  const sku = row.input.sku;
  const refuse = (reason: string): RowOutcome => ({ line: row.line, sku, kind: 'refused', reason });
  let image: LegacyImage | undefined;
  let checked: InspectedUpload | undefined;
  try {
    if (row.imagePath !== undefined) {
      image = await options.images.read(row.imagePath, signal);
      countBytes(image.bytes.length);
      checked = await inspectUpload(image.bytes, { allowedTypes: deps.media.allowedTypes, maxPixels: deps.media.maxPixels });
    }
  } catch (err) {
    if (signal?.aborted) return undefined;
    return refuse(`image ${JSON.stringify(row.imagePath)}: ${message(err)}`);
  }
  if (options.dryRun) return { line: row.line, sku, kind: 'would-import', image: image !== undefined };

  const { catalog } = deps;
  let product;
  try {
    product = await catalog.db.transaction().execute(async (trx) => {
      // The importer processes the image itself, at once: none of the app's hand-off hooks.
      const created = await createProduct(
        { db: trx, stores: catalog.stores, logger: catalog.logger, media: catalog.media },
        options.tenantId,
        row.input,
        image === undefined || checked === undefined
          ? undefined
          : { bytes: image.bytes, fileName: image.fileName, inspection: inspected(checked) },
        signal,
      );
      await recordLegacyImport(trx, { tenantId: options.tenantId, sku, productId: created.id, source: `${options.source}:${row.line}` });
      return created;
    });
  } catch (err) {
    if (signal?.aborted) return undefined;
    return refuse(message(err));
  }
  if (product.image_asset_id === null || image === undefined)
    return { line: row.line, sku, kind: 'imported', productId: product.id, image: 'none' };

  const [asset] = await claimProcessing(catalog.db, { ids: [product.image_asset_id], limit: 1, leaseSeconds: LEASE_SECONDS });
  // Another instance's worker took it first: it is processed there.
  if (asset === undefined) return { line: row.line, sku, kind: 'imported', productId: product.id, image: 'waiting' };
  const outcome = await processAsset(deps.processing, asset, image.bytes, signal);
  if (outcome === 'broken') {
    // Refused by the full decode: take the product back out, so nothing refused stays imported.
    const failed = await catalog.db.selectFrom('assets').select('last_error').where('id', '=', asset.id).executeTakeFirst();
    await deleteProduct({ ...catalog, onPurgeQueued: undefined }, options.tenantId, product.id);
    return refuse(`image ${JSON.stringify(row.imagePath)}: ${failed?.last_error ?? 'it could not be processed'}`);
  }
  return { line: row.line, sku, kind: 'imported', productId: product.id, image: outcome === 'ready' ? 'ready' : 'waiting' };
}

async function processWaiting(deps: LegacyImportDeps, assetId: string, signal: AbortSignal | undefined): Promise<void> {
  const [asset] = await claimProcessing(deps.catalog.db, { ids: [assetId], limit: 1, leaseSeconds: LEASE_SECONDS });
  if (asset !== undefined) await processAsset(deps.processing, asset, undefined, signal);
}

function message(err: unknown): string {
  if (isAppError(err) || err instanceof Error) return err.message;
  return String(err);
}
