/**
 * `vitrina storage reconcile [--tenant ID] [--grace 24h] [--apply] [--json]`: the bucket and
 * the assets table side by side (see jobs/reconcile.ts). Exit code 0 when they agree (or
 * --apply repaired everything), 1 when a dry run found problems or a delete failed, 2 for
 * bad options.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { reconcile, type ReconcileReport } from '../../jobs/reconcile.js';
import { createLogger } from '../../logger.js';
import { badInput } from './cli-database.js';
import { formatDuration, parseDuration } from '../duration.js';
import { getTenant } from '../../tenancy/tenants.repository.js';

interface Options {
  tenant?: string;
  grace: string;
  apply?: boolean;
  json?: boolean;
}

export function registerStorageReconcile(storage: Command): void {
  storage
    .command('reconcile')
    .description(
      'Compare the bucket (and the fallback spool) with the assets table: objects no row owns (left by crashed uploads) ' +
        'and rows whose objects are missing. A dry run unless --apply, which deletes orphans older than --grace ' +
        'and marks assets with missing objects broken (pages then show a placeholder).',
    )
    .option('--tenant <id>', 'only this tenant')
    .option('--grace <duration>', 'keep orphans younger than this (e.g. 0, 90s, 30m, 24h, 7d)', '24h')
    .option('--apply', 'delete old orphans and mark broken assets (default: only report)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  vitrina storage reconcile\n  vitrina storage reconcile --tenant 7 --grace 1h --apply\n  vitrina storage reconcile --json | jq .orphans\n',
    )
    .action(async (options: Options) => {
      const command = 'storage reconcile';
      const graceMs = parseDuration(options.grace);
      if (graceMs === undefined)
        return badInput(command, `--grace must be a duration such as 0, 90s, 30m, 24h or 7d (got ${JSON.stringify(options.grace)}).`);
      if (options.tenant !== undefined && !/^\d{1,9}$/.test(options.tenant))
        return badInput(command, `--tenant must be a tenant id such as 7 (got ${JSON.stringify(options.tenant)}).`);
      const config = loadConfig(process.env);
      const logger = createLogger({ level: 'warn', destination: 2 });
      // Loaded here, not at the top: the sibling commands (storage migrate) start sooner without the whole app.
      const { startRuntime } = await import('../../runtime.js');
      const runtime = await startRuntime(config, logger, { jobs: false, initStorage: false });
      try {
        const tenantId = options.tenant === undefined ? undefined : Number(options.tenant);
        if (tenantId !== undefined && (await getTenant(runtime.db, tenantId)) === undefined) {
          return badInput(command, `there is no tenant with id ${tenantId}.`);
        }
        const report = await reconcile(runtime, { tenantId, graceMs, apply: options.apply === true });
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : render(report, runtime.store.location, graceMs));
        const failed = report.orphans.some((o) => o.action === 'delete failed');
        const problems = report.orphans.some((o) => o.action === 'reported') || report.missing.some((m) => m.action === 'reported');
        process.exitCode = failed || problems ? 1 : 0;
      } finally {
        await runtime.close();
      }
    });
}

function render(r: ReconcileReport, location: string, graceMs: number): string {
  const lines: string[] = [];
  const scope = r.tenantId === undefined ? 'all tenants' : `tenant ${r.tenantId}`;
  lines.push(`Reconcile ${location} with the database (${scope}, grace ${formatDuration(graceMs)}, ${r.applied ? 'applying' : 'dry run'})`);
  lines.push(`Scanned ${r.scanned.objects} objects and ${r.scanned.assets} assets.`);
  lines.push('', `Orphans (objects no row owns): ${r.orphans.length}`);
  for (const o of r.orphans) lines.push(`  ${o.key}  ${o.size} B  ${o.lastModified ?? '?'}  [${o.location}]  ${o.action}`);
  lines.push('', `Missing (rows whose objects are gone): ${r.missing.length}`);
  for (const m of r.missing) lines.push(`  asset ${m.assetId} (tenant ${m.tenantId}, ${m.status}): ${m.missing.join(', ')}  ${m.action}`);
  lines.push('', `Queued for purge (left to the purge worker): ${r.queuedForPurge}; outside Vitrina's keys (left alone): ${r.foreign}.`);
  if (!r.applied && (r.orphans.length > 0 || r.missing.length > 0)) {
    lines.push(
      `Dry run: nothing changed. Run again with --apply to delete orphans older than ${formatDuration(graceMs)} and mark ${r.missing.length} asset(s) broken.`,
    );
  } else if (r.orphans.length === 0 && r.missing.length === 0) {
    lines.push('The bucket and the database agree.');
  }
  return `${lines.join('\n')}\n`;
}
