/**
 * `vitrina import legacy --csv FILE --uploads DIR --tenant ID`: products and images from the
 * apps Vitrina grew out of (see catalog/legacy-import/import-legacy.ts). Progress on stderr,
 * the summary on stdout. Exit code 0 when every row was imported (or imported before), 1 when
 * any row was refused (each reported with its line and the reason), 2 for bad options, 130
 * when interrupted (what was imported stays; a rerun goes on).
 */
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { S3Config } from '../../config.js';
import { loadConfig } from '../../config.js';
import { importLegacy, type LegacyImportReport } from '../../catalog/legacy-import/import-legacy.js';
import { LegacyCsvError, parseLegacyCsv } from '../../catalog/legacy-import/legacy-csv.js';
import { legacyImageSource } from '../../catalog/legacy-import/legacy-images.js';
import { purgeDue } from '../../jobs/purge-worker.js';
import { createLogger } from '../../logger.js';
import { Semaphore } from '../../media/semaphore.js';
import { configureSharp } from '../../media/sharp-runtime.js';
import { startRuntime } from '../../runtime.js';
import { progressDisplay } from '../progress-display.js';
import { S3SettingsError, s3Settings } from '../s3-settings.js';
import { badInput } from './cli-database.js';
import { getTenant } from '../../tenancy/tenants.repository.js';
import { onInterrupt } from '../interrupt.js';

interface Options {
  csv?: string;
  uploads?: string;
  tenant?: string;
  dryRun?: boolean;
  sourceEnv?: string;
  sourceEndpoint?: string;
  sourceRegion?: string;
  sourceAccessKey?: string;
  sourceSecretKey?: string;
  allowPrivateNetwork?: boolean;
  concurrency: string;
  json?: boolean;
  progress?: boolean;
}

const COMMAND = 'import legacy';

export function registerImportLegacy(program: Command): void {
  const group = program.command('import').description('Bring data from elsewhere into Vitrina.');
  group
    .command('legacy')
    .description(
      "Import products and their images from the old apps' shape: a CSV with the columns name, sku, uom, sale_price, image_path " +
        "(uom: a unit code or name; image_path: a file name or path in --uploads, or a URL, read from the old app's S3 when it is on " +
        'its endpoint and --source-* gives the endpoint and credentials, or else over HTTP without credentials). Every image goes through ' +
        'the upload checks and processing; refused files and bad rows are reported with their CSV line and never imported. A rerun ' +
        'skips the rows already imported. Over HTTP, URLs on loopback, private and link-local addresses (checked after DNS and at ' +
        'every redirect) are refused, and one image gets 10 s to connect, 30 s to answer and 60 s for its body.',
    )
    .option('--csv <file>', 'the products CSV (header: name,sku,uom,sale_price,image_path)')
    .option('--uploads <dir>', "the old app's uploads folder (e.g. static/uploads); bare names are also looked up in DIR/products")
    .option('--tenant <id>', 'the tenant the products go to')
    .option('--dry-run', 'check every row and image; create nothing')
    .option('--source-env <file>', "the old app's S3 settings: a file of S3_*=value lines (its .env works)")
    .option(
      '--source-endpoint <url>',
      "the old app's S3_ENDPOINT: its credentials go to this endpoint only (without one they are not used)",
    )
    .option('--source-region <region>', "the old app's S3_REGION")
    .option('--source-access-key <id>', "the old app's S3_ACCESS_KEY")
    .option('--source-secret-key <secret>', "the old app's S3_SECRET_KEY (better kept in --source-env: flags show up in ps)")
    .option(
      '--allow-private-network',
      'also fetch image URLs on loopback, private and link-local addresses (your own network; never 169.254.169.254)',
    )
    .option('--concurrency <n>', 'rows whose images are read and processed at once (1-16)', '2')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar or progress lines')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  vitrina import legacy --csv products.csv --uploads static/uploads --tenant 3 --dry-run\n' +
        '  vitrina import legacy --csv products.csv --uploads static/uploads --tenant 3\n' +
        '  vitrina import legacy --csv export.csv --tenant 3 --source-env ../old-app/.env\n' +
        '  vitrina import legacy --csv export.csv --tenant 3 --allow-private-network   # images on http://10.0.0.5/…\n',
    )
    .action(async (options: Options) => {
      const problem = checkOptions(options);
      if (problem !== undefined) return badInput(COMMAND, problem);
      let source: S3Config | undefined;
      try {
        source = await sourceSettings(options);
      } catch (err) {
        if (err instanceof S3SettingsError) return badInput(COMMAND, err.message);
        throw err;
      }
      if (source !== undefined && source.endpoint === undefined && source.accessKeyId !== undefined) {
        process.stderr.write(
          `vitrina ${COMMAND}: the source credentials are not used: they go only to the old app's S3 endpoint (--source-endpoint or S3_ENDPOINT in --source-env)\n`,
        );
      }
      let text: string;
      try {
        text = await readFile(options.csv!, 'utf8');
      } catch (err) {
        return badInput(
          COMMAND,
          `cannot read ${options.csv}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
        );
      }
      let parsed;
      try {
        parsed = parseLegacyCsv(text);
      } catch (err) {
        if (err instanceof LegacyCsvError) return badInput(COMMAND, `${options.csv}: ${err.message}`);
        throw err;
      }
      await run(options, parsed.rows, source);
    });
}

function checkOptions(o: Options): string | undefined {
  if (o.csv === undefined) return '--csv FILE is required (the products CSV).';
  if (o.tenant === undefined) return '--tenant ID is required (the tenant the products go to).';
  if (!/^\d{1,9}$/.test(o.tenant)) return `--tenant must be a tenant id such as 7 (got ${JSON.stringify(o.tenant)}).`;
  if (!/^\d{1,2}$/.test(o.concurrency) || Number(o.concurrency) < 1 || Number(o.concurrency) > 16) {
    return `--concurrency must be a whole number from 1 to 16 (got ${JSON.stringify(o.concurrency)}).`;
  }
  return undefined;
}

/** The old app's S3, when any setting for it was given (otherwise URLs are fetched over HTTP). */
async function sourceSettings(o: Options): Promise<S3Config | undefined> {
  const flags = {
    S3_ENDPOINT: o.sourceEndpoint,
    S3_REGION: o.sourceRegion,
    S3_ACCESS_KEY: o.sourceAccessKey,
    S3_SECRET_KEY: o.sourceSecretKey,
  };
  if (o.sourceEnv === undefined && Object.values(flags).every((v) => v === undefined)) return undefined;
  return s3Settings({ label: 'source', file: o.sourceEnv, flags, env: {} });
}

async function run(options: Options, rows: ReturnType<typeof parseLegacyCsv>['rows'], source: S3Config | undefined): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: 'fatal', destination: 2 });
  configureSharp();
  const runtime = await startRuntime(config, logger, { jobs: false });
  const images = legacyImageSource({
    uploadsDir: options.uploads,
    maxBytes: config.maxUploadSize,
    s3: source,
    logger,
    allowPrivateNetwork: options.allowPrivateNetwork === true,
  });
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const releaseInterrupt = onInterrupt(
    controller,
    `\nvitrina ${COMMAND}: stopping after the rows in flight (Ctrl-C again to quit at once)\n`,
  );
  const display = options.progress === false ? undefined : progressDisplay({ label: `vitrina ${COMMAND}`, unit: 'rows' });
  try {
    const tenantId = Number(options.tenant);
    const tenant = await getTenant(runtime.db, tenantId);
    if (tenant === undefined) return badInput(COMMAND, `there is no tenant with id ${tenantId}.`);
    const report = await importLegacy(
      {
        catalog: runtime.catalog,
        processing: {
          db: runtime.db,
          logger,
          media: config.media,
          stores: runtime.stores,
          decodeSlots: new Semaphore(config.media.workers),
        },
        media: config.media,
      },
      {
        tenantId,
        rows,
        source: path.basename(options.csv!),
        images,
        dryRun: options.dryRun === true,
        concurrency: Number(options.concurrency),
        signal: controller.signal,
        onProgress: (p) =>
          display?.update({ done: p.done, total: p.total, doneBytes: p.imageBytes, totalBytes: 0, work: p.done, workBytes: p.imageBytes }),
      },
    );
    display?.stop();
    // The uploads' private copies are let go once processed: purge them now rather than leave them to the app.
    if (!report.dryRun) for (let i = 0; i < 1000 && (await purgeDue({ db: runtime.db, stores: runtime.stores.all, logger })) > 0; i++);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : render(report, options.csv!, tenant.name));
    process.exitCode = report.interrupted ? 130 : report.refused.length > 0 ? 1 : 0;
  } finally {
    display?.stop();
    releaseInterrupt();
    await images.close();
    await runtime.close();
  }
}

function render(r: LegacyImportReport, csv: string, tenantName: string): string {
  const lines: string[] = [];
  lines.push(`Import of ${csv} into tenant ${r.tenantId} (${tenantName})${r.dryRun ? ', dry run' : ''}: ${r.rows} rows`);
  const withImage = r.outcomes.filter(
    (o) => (o.kind === 'imported' && o.image !== 'none') || (o.kind === 'would-import' && o.image),
  ).length;
  const waiting = r.outcomes.filter((o) => o.kind === 'imported' && o.image === 'waiting').length;
  lines.push(
    `  ${r.dryRun ? 'would import' : 'imported'}  ${r.imported} (${withImage} with an image${waiting > 0 ? `, ${waiting} still to be processed by the app` : ''}; ${(r.imageBytes / 1e6).toFixed(1)} MB of images read)`,
  );
  lines.push(`  skipped   ${r.skipped} (imported before)`);
  lines.push(`  refused   ${r.refused.length}`);
  for (const o of r.refused) lines.push(`    line ${o.line}${o.sku === undefined ? '' : ` (SKU ${o.sku})`}: ${o.reason}`);
  if (r.interrupted) lines.push('Interrupted: the rows imported so far are kept. Run the same command again to go on.');
  else if (r.dryRun) lines.push('Dry run: nothing was created.');
  else if (r.refused.length > 0)
    lines.push('Refused rows were not imported: fix them in the CSV and run the same command again (imported rows are skipped).');
  return `${lines.join('\n')}\n`;
}
