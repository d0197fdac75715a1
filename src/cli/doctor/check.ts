/** One row of `vitrina doctor`'s table. */
export interface CheckResult {
  name: string;
  /** `skip` = not applicable to this configuration (does not fail the run). */
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  /** One line saying what to fix, for failures. */
  fix?: string | undefined;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

/** Runs `body`; a thrown error becomes a failed row whose fix comes from `fixFor`. */
export async function runCheck(
  name: string,
  body: () => Promise<string | CheckResult>,
  fixFor: (err: unknown) => string,
): Promise<CheckResult> {
  try {
    const outcome = await body();
    return typeof outcome === 'string' ? pass(name, outcome) : outcome;
  } catch (err) {
    return fail(name, err instanceof Error ? err.message : String(err), fixFor(err));
  }
}
