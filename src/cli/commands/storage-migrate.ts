/**
 * `vitrina storage migrate --from local|s3 --to local|s3 [...]`: copies every object of every
 * asset to another store, verifies each copy, and records progress in the database so a
 * rerun goes on where the last one stopped (see jobs/storage-migration/migrate-storage.ts).
 *
 * Progress goes to stderr (a bar on a terminal, plain lines otherwise), the summary to stdout.
 * Exit code 0 when every object is at the destination, 1 when any failed, 2 for bad options,
 * 130 when interrupted (Ctrl-C: the objects in flight are aborted, what was verified is kept).
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { createDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { migrateStorage, type MigrationReport } from '../../jobs/storage-migration/migrate-storage.js';
import { createLogger } from '../../logger.js';
import { initStorage } from '../../storage/init-storage.js';
import type { CheckMode } from '../../storage/migration/copy-verified.js';
import { progressDisplay } from '../progress-display.js';
import { S3SettingsError } from '../s3-settings.js';
import { EXIT_BAD_INPUT } from './cli-database.js';
import { processIo, type CommandIo } from './command-io.js';
import { migrationExitCode, renderMigrationReport } from './storage-migrate-report.js';
import { migrationEnds, type EndKind, type MigrateEndFlags, type StoreEnd } from './storage-migrate-stores.js';
import { getTenant } from '../../tenancy/tenants.repository.js';
import { onInterrupt } from '../interrupt.js';

interface Options extends Omit<MigrateEndFlags, 'from' | 'to'> {
  from?: string;
  to?: string;
  tenant?: string;
  concurrency: string;
  check?: string;
  dryRun?: boolean;
  verify?: boolean;
  deleteSource?: boolean;
  json?: boolean;
  progress?: boolean;
}

const COMMAND = 'storage migrate';
const ENDS: readonly EndKind[] = ['local', 's3'];
const CHECKS: readonly CheckMode[] = ['on-write', 'read-back'];
const S3_DESTINATION_FLAGS = [
  'toEnv',
  'toEndpoint',
  'toBucket',
  'toRegion',
  'toAccessKey',
  'toSecretKey',
  'toPathStyle',
  'toPublicUrl',
] as const;

/** Where the command's output goes and what it reads its settings from (a test passes its own). */
export interface MigrateCommandContext {
  io: CommandIo;
  env: NodeJS.ProcessEnv;
}

export function registerStorageMigrate(storage: Command, context: MigrateCommandContext = { io: processIo, env: process.env }): void {
  storage
    .command('migrate')
    .description(
      'Copy every object of every asset (all variants, keys, content type and cache headers kept) from one store to another, ' +
        'verify each copy (the destination checks the sha256 of the bytes it receives, or each copy is read back and compared: ' +
        'see --check), and record it in the database: a rerun (after Ctrl-C, a crash or a ' +
        'network failure) skips what is verified and copies only the rest. Rows hold keys, not URLs: after the migration, ' +
        'switching STORAGE_DRIVER / S3_* needs no database change.',
    )
    .option('--from <store>', 'where the objects are now: local (DATA_DIR/objects) or s3 (the S3_* settings)')
    .option('--to <store>', 'where they go: local (DATA_DIR/objects) or s3 (the S3_* settings, or --to-env / --to-* flags)')
    .option('--from-dir <dir>', 'the local source folder (default DATA_DIR/objects)')
    .option('--to-dir <dir>', 'the local destination folder (default DATA_DIR/objects)')
    .option('--to-env <file>', "the destination's S3 settings: a file of S3_*=value lines (instead of the environment's)")
    .option('--to-endpoint <url>', "the destination's S3_ENDPOINT")
    .option('--to-bucket <name>', "the destination's S3_BUCKET")
    .option('--to-region <region>', "the destination's S3_REGION")
    .option('--to-access-key <id>', "the destination's S3_ACCESS_KEY")
    .option('--to-secret-key <secret>', "the destination's S3_SECRET_KEY (better kept in --to-env: flags show up in ps)")
    .option('--to-path-style <bool>', "the destination's S3_FORCE_PATH_STYLE (true or false)")
    .option('--to-public-url <url>', "the destination's S3_PUBLIC_URL (a new bucket then gets the public-read policy on t/*/img/*)")
    .option('--tenant <id>', 'only this tenant')
    .option('--concurrency <n>', 'objects copied at once (1-256)', '8')
    .option(
      '--check <how>',
      'how each copy is verified: on-write (the destination refuses bytes that do not match the sha256 they are sent with — ' +
        "S3's signed payload hash, checked by AWS, MinIO and Ceph; on a store that does not check it, the put's MD5 ETag; " +
        'a copy with neither proof is read back) or read-back (every copy read from the destination, size and sha256 ' +
        'compared). Default: on-write, or read-back with --delete-source',
    )
    .option('--dry-run', 'count the objects and bytes to copy; read and write nothing in either store')
    .option('--verify', 'also read back every object verified by an earlier run, and copy again any that is wrong or missing')
    .option('--delete-source', 'delete each source object once its copy is verified (the app must already use the destination)')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar or progress lines')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  vitrina storage migrate --from local --to s3 --dry-run\n' +
        '  S3_ENDPOINT=https://s3.example S3_BUCKET=shop S3_ACCESS_KEY=… S3_SECRET_KEY=… vitrina storage migrate --from local --to s3\n' +
        '  vitrina storage migrate --from s3 --to s3 --to-env /etc/vitrina/aws.env --concurrency 16\n' +
        '  vitrina storage migrate --from local --to s3 --check read-back   # also read every copy back\n' +
        '  vitrina storage migrate --from s3 --to local --to-dir /backup/objects --tenant 7\n' +
        '  vitrina storage migrate --from local --to s3 --verify --delete-source\n',
    )
    .action(async (options: Options) => {
      process.exitCode = await storageMigrate(options, context);
    });
}

/** The command's work, once commander has parsed the line: returns the exit code. */
async function storageMigrate(options: Options, { io, env }: MigrateCommandContext): Promise<number> {
  const bad = (message: string) => {
    io.err(`vitrina ${COMMAND}: ${message}\n`);
    return EXIT_BAD_INPUT;
  };
  const checked = checkOptions(options);
  if (typeof checked === 'string') return bad(checked);
  const config = loadConfig(env);
  const logger = createLogger({ level: 'fatal', destination: 2 });
  let ends;
  try {
    ends = await migrationEnds(config, { ...options, from: checked.from, to: checked.to }, env, logger);
  } catch (err) {
    if (err instanceof S3SettingsError) return bad(err.message);
    throw err;
  }
  const { source, destination } = ends;
  try {
    if (source.name === destination.name) return bad(`the source and the destination are the same store (${source.name}).`);
    return await migrate({ config, options, checked, source, destination, io, bad });
  } finally {
    await source.store.close();
    await destination.store.close();
  }
}

interface Checked {
  from: EndKind;
  to: EndKind;
  tenantId: number | undefined;
  concurrency: number;
  check: CheckMode | undefined;
}

/** The options made sure of, or the one line saying what is wrong. */
function checkOptions(o: Options): Checked | string {
  if (o.from === undefined || o.to === undefined) return `--from and --to are required: each local or s3 (e.g. --from local --to s3).`;
  if (!(ENDS as string[]).includes(o.from)) return `--from must be local or s3 (got ${JSON.stringify(o.from)}).`;
  if (!(ENDS as string[]).includes(o.to)) return `--to must be local or s3 (got ${JSON.stringify(o.to)}).`;
  if (!/^\d{1,3}$/.test(o.concurrency) || Number(o.concurrency) < 1 || Number(o.concurrency) > 256) {
    return `--concurrency must be a whole number from 1 to 256 (got ${JSON.stringify(o.concurrency)}).`;
  }
  if (o.check !== undefined && !(CHECKS as string[]).includes(o.check))
    return `--check must be on-write or read-back (got ${JSON.stringify(o.check)}).`;
  if (o.tenant !== undefined && !/^\d{1,9}$/.test(o.tenant))
    return `--tenant must be a tenant id such as 7 (got ${JSON.stringify(o.tenant)}).`;
  if (o.fromDir !== undefined && o.from !== 'local') return '--from-dir goes with --from local.';
  if (o.toDir !== undefined && o.to !== 'local') return '--to-dir goes with --to local.';
  const s3Flag = S3_DESTINATION_FLAGS.find((f) => o[f] !== undefined);
  if (s3Flag !== undefined && o.to !== 's3') return `--${s3Flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --to s3.`;
  if (o.toPathStyle !== undefined && !/^(?:true|false)$/.test(o.toPathStyle))
    return `--to-path-style must be true or false (got ${JSON.stringify(o.toPathStyle)}).`;
  return {
    from: o.from as EndKind,
    to: o.to as EndKind,
    tenantId: o.tenant === undefined ? undefined : Number(o.tenant),
    concurrency: Number(o.concurrency),
    check: o.check as CheckMode | undefined,
  };
}

interface Run {
  config: Config;
  options: Options;
  checked: Checked;
  source: StoreEnd;
  destination: StoreEnd;
  io: CommandIo;
  /** Says what is wrong with the input; returns the exit code for it. */
  bad: (message: string) => number;
}

async function migrate({ config, options, checked, source, destination, io, bad }: Run): Promise<number> {
  const controller = new AbortController();
  // As the app does on start: the destination bucket is created when missing (a public-read
  // policy on the image prefix only with S3_PUBLIC_URL). That runs while the database opens —
  // neither needs the other, and each takes a few hundred milliseconds — unless a --tenant must
  // be found first (a wrong one touches neither store).
  const prepare = () =>
    options.dryRun || destination.s3 === undefined
      ? undefined
      : initStorage({ ...config, s3: destination.s3 }, destination.store, { signal: controller.signal });
  const early = checked.tenantId === undefined ? prepare() : undefined;
  // Its end, failed or not: awaited before returning, so nothing is left running; its failure
  // is reported where its result is awaited (and must not count as unhandled until then).
  const earlyEnded = early?.catch(() => undefined);
  let database;
  try {
    database = await createDatabase(config, { poolSize: Math.min(checked.concurrency + 2, 20) });
  } catch (err) {
    await earlyEnded;
    throw err;
  }
  const releaseInterrupt = onInterrupt(
    controller,
    `\nvitrina ${COMMAND}: stopping — the objects in flight are aborted, verified ones are kept (Ctrl-C again to quit at once)\n`,
  );
  const display =
    options.progress === false || options.dryRun ? undefined : progressDisplay({ label: `vitrina ${COMMAND}`, unit: 'files' });
  try {
    await migrateToLatest(database.db);
    const { tenantId } = checked;
    if (tenantId !== undefined && (await getTenant(database.db, tenantId)) === undefined) {
      return bad(`there is no tenant with id ${tenantId}.`);
    }
    const outcome = await (early ?? prepare());
    for (const line of outcome?.messages ?? []) if (!/ exists\.$/.test(line)) io.err(`vitrina ${COMMAND}: ${line}\n`);
    const report = await migrateStorage(
      {
        db: database.db,
        source: source.store,
        destination: destination.store,
        route: `${source.name} → ${destination.name}`,
        ends: { source: source.description, destination: destination.description },
      },
      {
        tenantId,
        concurrency: checked.concurrency,
        check: checked.check,
        dryRun: options.dryRun === true,
        verify: options.verify === true,
        deleteSource: options.deleteSource === true,
        signal: controller.signal,
        onProgress: (p) =>
          display?.update({
            done: p.done.objects,
            total: p.total.objects,
            doneBytes: p.done.bytes,
            totalBytes: p.total.bytes,
            work: p.copied.objects,
            workBytes: p.copied.bytes,
          }),
      },
    );
    display?.stop();
    io.out(
      options.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderMigrationReport(report, {
            deleteSource: options.deleteSource === true,
            switchHint: switchHint(config, report, destination),
          }),
    );
    return migrationExitCode(report);
  } finally {
    // Nothing left running: a bucket set-up whose result was not needed (the run failed before) ends first.
    await earlyEnded;
    display?.stop();
    releaseInterrupt();
    await database.close();
  }
}

/** What to change so the app uses the destination (nothing in the database). */
function switchHint(config: Config, report: MigrationReport, destination: StoreEnd): string | undefined {
  if (report.tenantId !== undefined) return undefined;
  if (destination.s3 !== undefined) {
    const same =
      config.storageDriver === 's3' && config.s3.bucket === destination.s3.bucket && config.s3.endpoint === destination.s3.endpoint;
    return same
      ? undefined
      : 'To switch the app: stop it, set STORAGE_DRIVER=s3 and the S3_* settings of the destination, start it again (no database change).';
  }
  return config.storageDriver === 'local'
    ? undefined
    : 'To switch the app: stop it, set STORAGE_DRIVER=local (objects in DATA_DIR/objects), start it again (no database change).';
}
