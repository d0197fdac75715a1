/** The summary `vitrina storage migrate` prints on stdout, and the exit code it implies. */
import type { MigrationReport, Tally } from '../../jobs/storage-migration/migrate-storage.js';

/** 0 all done · 1 something failed (or the run stopped itself) · 130 interrupted by Ctrl-C. */
export function migrationExitCode(r: MigrationReport): number {
  if (r.interrupted) return 130;
  return r.failed.length > 0 || r.stoppedBecause !== undefined ? 1 : 0;
}

function size(t: Tally): string {
  const unit = t.objects === 1 ? 'object' : 'objects';
  return `${t.objects} ${unit}, ${(t.bytes / 1e6).toFixed(1)} MB`;
}

/** How the copies were verified, for the `migrated` line. */
function checked(r: MigrationReport): string {
  if (r.check === 'read-back') return 'each read back and verified (size and sha256)';
  const proven = r.migrated.objects - r.readBack;
  const how =
    r.proof === 'sha256'
      ? 'verified as written (the destination checked the sha256 of each)'
      : 'verified by the ETag the destination answered with (size and MD5; it does not check sha256 on write)';
  const readBack = r.readBack === 0 ? '' : `, ${r.readBack} read back and verified (size and sha256: the put proved nothing)`;
  return `${proven} ${how}${readBack}`;
}

/** At most this many failures are listed one per line (--json has them all). */
const LISTED_FAILURES = 50;

export function renderMigrationReport(r: MigrationReport, options: { deleteSource: boolean; switchHint: string | undefined }): string {
  const seconds = r.elapsedMs / 1000;
  const lines: string[] = [];
  const scope = r.tenantId === undefined ? 'all tenants' : `tenant ${r.tenantId}`;
  lines.push(`Storage migration ${r.route} (${scope}${r.dryRun ? ', dry run' : ''})`);
  lines.push(
    `  planned         ${size(r.planned)}${r.spooled > 0 ? ` (and ${r.spooled} in the fallback spool, left to the app's replicator)` : ''}`,
  );
  if (r.dryRun) {
    lines.push(`  to copy         ${size(r.migrated)}`);
    lines.push(`  already done    ${size(r.skipped)} (verified by an earlier run)`);
    if (options.deleteSource) lines.push(`  source deletes  ${r.sourceDeleted} (each only after its copy is verified)`);
    lines.push('Dry run: nothing was read from or written to either store.');
    return `${lines.join('\n')}\n`;
  }
  const rate =
    seconds > 0 && r.migrated.objects > 0
      ? ` in ${seconds.toFixed(1)} s (${(r.migrated.objects / seconds).toFixed(0)} files/s, ${(r.migrated.bytes / 1e6 / seconds).toFixed(1)} MB/s)`
      : '';
  lines.push(`  migrated        ${size(r.migrated)}${rate}, ${checked(r)}`);
  if (r.workerThreads.length > 0) {
    const shares = r.workerThreads.map((t) => t.copies).join(' + ');
    lines.push(`  copied in       ${r.workerThreads.length} worker thread${r.workerThreads.length === 1 ? '' : 's'} (${shares} objects)`);
  }
  if (r.recopied > 0) lines.push(`  copied again    ${r.recopied} (the destination's copy was wrong)`);
  lines.push(`  skipped         ${size(r.skipped)} (verified by an earlier run)`);
  if (r.gone > 0) lines.push(`  gone            ${r.gone} (deleted or processed in the app meanwhile)`);
  if (r.atDestination > 0) lines.push(`  at destination  ${r.atDestination} (not in the source, already at the destination)`);
  if (options.deleteSource) lines.push(`  source deleted  ${r.sourceDeleted}`);
  lines.push(`  failed          ${r.failed.length}`);
  for (const f of r.failed.slice(0, LISTED_FAILURES)) lines.push(`    ${f.key} (tenant ${f.tenantId}): ${f.reason}`);
  if (r.failed.length > LISTED_FAILURES)
    lines.push(`    … and ${r.failed.length - LISTED_FAILURES} more (run with --json for all of them)`);

  const handled = r.migrated.objects + r.skipped.objects + r.gone + r.atDestination + r.failed.length;
  if (r.interrupted) {
    lines.push(
      `Interrupted after ${handled} of ${r.planned.objects} objects; what was verified is recorded. Run the same command again to go on.`,
    );
  } else if (r.stoppedBecause !== undefined) {
    lines.push(`Stopped: ${r.stoppedBecause}. Fix the store and run the same command again; verified objects are skipped.`);
  } else if (r.failed.length > 0) {
    lines.push(`${r.failed.length} object(s) failed. Fix the cause and run the same command again: verified objects are skipped.`);
  } else {
    lines.push(`Every object is at the destination, verified.${options.switchHint === undefined ? '' : ` ${options.switchHint}`}`);
  }
  return `${lines.join('\n')}\n`;
}
