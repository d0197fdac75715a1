import type { CheckResult } from './check.js';

const SYMBOL = { pass: '✓', fail: '✗', skip: '–' } as const;

/** The table, then one "fix:" line per failure; plain text, fits a terminal or a CI log. */
export function renderReport(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => `${SYMBOL[r.status]}  ${r.name.padEnd(width)}  ${r.detail}`);
  const failures = results.filter((r) => r.status === 'fail');
  lines.push('');
  if (failures.length === 0) {
    lines.push(`All ${results.filter((r) => r.status === 'pass').length} checks passed.`);
  } else {
    lines.push(`${failures.length} check(s) failed. What to fix:`);
    for (const f of failures) lines.push(`  ${f.name}: ${f.fix ?? f.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
