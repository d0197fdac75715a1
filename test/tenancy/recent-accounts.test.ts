import { describe, expect, it } from 'vitest';
import { RecentAccounts } from '../../src/tenancy/recent-accounts.js';

/** A loader that counts its calls and knows the accounts in `known`, and a clock to move. */
function setup(known: Map<string, string>) {
  const calls: string[] = [];
  const load = async (key: string) => {
    calls.push(key);
    return known.get(key);
  };
  const clock = { ms: 1_000_000 };
  return { load, calls, clock, now: () => clock.ms };
}

describe('RecentAccounts', () => {
  it('looks an account up once per ttl', async () => {
    const { load, calls, clock, now } = setup(new Map([['s1', 'ana']]));
    const accounts = new RecentAccounts(load, { ttlMs: 50, now });
    expect(await accounts.get('s1')).toBe('ana');
    clock.ms += 49;
    expect(await accounts.get('s1')).toBe('ana');
    expect(calls).toEqual(['s1']);
    clock.ms += 1;
    expect(await accounts.get('s1')).toBe('ana');
    expect(calls).toEqual(['s1', 's1']);
  });

  it('keeps no miss: a gone account is looked up every time, and its entry dropped', async () => {
    const known = new Map([['s1', 'ana']]);
    const { load, calls, clock, now } = setup(known);
    const accounts = new RecentAccounts(load, { ttlMs: 30, now });
    expect(await accounts.get('s1')).toBe('ana');
    known.delete('s1');
    clock.ms += 30;
    expect(await accounts.get('s1')).toBeUndefined();
    expect(await accounts.get('s1')).toBeUndefined();
    expect(calls).toEqual(['s1', 's1', 's1']);
  });

  it('forgets a key at once when told (a session ended on this instance)', async () => {
    const known = new Map([['s1', 'ana']]);
    const { load, calls, now } = setup(known);
    const accounts = new RecentAccounts(load, { ttlMs: 10_000, now });
    expect(await accounts.get('s1')).toBe('ana');
    known.delete('s1');
    accounts.forget('s1');
    expect(await accounts.get('s1')).toBeUndefined();
    expect(calls).toEqual(['s1', 's1']);
  });

  it('does not keep a look-up that was running when its key was forgotten (a log-out racing a request)', async () => {
    const calls: string[] = [];
    let answer!: (account: string | undefined) => void;
    const load = (key: string) => {
      calls.push(key);
      return new Promise<string | undefined>((resolve) => (answer = resolve));
    };
    const accounts = new RecentAccounts(load, { ttlMs: 10_000, now: () => 1_000_000 });
    // The request reads the session row just before the log-out deletes it…
    const racing = accounts.get('s1');
    // …the log-out deletes the row and forgets the key…
    accounts.forget('s1');
    // …and only then does the request's read come back.
    answer('ana');
    expect(await racing).toBeUndefined();
    // The next request asks the database, which no longer has the session.
    const next = accounts.get('s1');
    answer(undefined);
    expect(await next).toBeUndefined();
    expect(calls).toEqual(['s1', 's1']);
  });

  it('forgets every account a predicate picks (a shop renamed), and a look-up running meanwhile is not kept', async () => {
    const known = new Map([
      ['s1', 'ana@acme'],
      ['s2', 'bea@acme'],
      ['s3', 'cai@other'],
    ]);
    const { load, calls, now } = setup(known);
    const accounts = new RecentAccounts(load, { ttlMs: 10_000, now });
    for (const key of ['s1', 's2', 's3']) await accounts.get(key);
    accounts.forgetWhere((account) => account.endsWith('@acme'));
    expect(await accounts.get('s1')).toBe('ana@acme');
    expect(await accounts.get('s2')).toBe('bea@acme');
    expect(await accounts.get('s3')).toBe('cai@other');
    expect(calls).toEqual(['s1', 's2', 's3', 's1', 's2']);

    // A look-up in flight when the shop changes may have read the old row: it is answered, not kept.
    let release!: () => void;
    const slow = new RecentAccounts(
      async (key: string) => {
        calls.push(key);
        await new Promise<void>((resolve) => (release = resolve));
        return known.get(key);
      },
      { ttlMs: 10_000, now },
    );
    calls.length = 0;
    const pending = slow.get('s1');
    slow.forgetWhere(() => false);
    release();
    // Still logged in: the session has not ended, only what its account carries may have changed.
    expect(await pending).toBe('ana@acme');
    const again = slow.get('s1');
    release();
    expect(await again).toBe('ana@acme');
    expect(calls).toEqual(['s1', 's1']);
  });

  it('tells keys apart, and holds at most maxEntries', async () => {
    const { load, calls, now } = setup(
      new Map([
        ['s1', 'ana'],
        ['s2', 'bea'],
        ['s3', 'cai'],
      ]),
    );
    const accounts = new RecentAccounts(load, { ttlMs: 10_000, maxEntries: 2, now });
    expect(await accounts.get('s1')).toBe('ana');
    expect(await accounts.get('s2')).toBe('bea');
    expect(await accounts.get('s3')).toBe('cai');
    // The oldest made room: asked again, it is looked up again; the newer two are not.
    expect(await accounts.get('s1')).toBe('ana');
    expect(await accounts.get('s3')).toBe('cai');
    expect(calls).toEqual(['s1', 's2', 's3', 's1']);
  });
});
