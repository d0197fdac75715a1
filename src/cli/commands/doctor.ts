import type { Command } from 'commander';
import { renderReport } from '../doctor/render.js';
import { runDoctor } from '../doctor/run-doctor.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check the configuration and the object store end to end: reachability, credentials, bucket, ' +
        'put/head/ranged get/delete with sha256, a signed URL over HTTP, a presigned POST (and one over ' +
        'the limit, which the store must refuse), the public URL and clock skew. Exits 0 only when all pass.',
    )
    .option('--json', 'print the results as JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      const results = await runDoctor(process.env);
      process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : renderReport(results));
      process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
