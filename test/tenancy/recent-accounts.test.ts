import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RecentAccounts, type AccountKey } from '../../src/tenancy/recent-accounts.js';

/** A loader that counts its calls and knows the accounts in `known`. */
function loader(known: Map<string, string>) {
  const calls: string[] = [];
  const load = async (who: AccountKey) => {
    const key = `${who.tenantId}:${who.userId}`;
    calls.push(key);
    return known.get(key);
  };
  return { load, calls };
}

describe('RecentAccounts', () => {
  it('looks an account up once per ttl', async () => {
    const { load, calls } = loader(new Map([['1:7', 'ana']]));
    const accounts = new RecentAccounts(load, { ttlMs: 50 });
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBe('ana');
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBe('ana');
    expect(calls).toEqual(['1:7']);
    await sleep(70);
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBe('ana');
    expect(calls).toEqual(['1:7', '1:7']);
  });

  it('keeps no miss: a gone account is looked up every time, and its entry dropped', async () => {
    const known = new Map([['1:7', 'ana']]);
    const { load, calls } = loader(known);
    const accounts = new RecentAccounts(load, { ttlMs: 30 });
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBe('ana');
    known.delete('1:7');
    await sleep(40);
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBeUndefined();
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBeUndefined();
    expect(calls).toEqual(['1:7', '1:7', '1:7']);
  });

  it('tells tenants apart, and holds at most maxEntries', async () => {
    const { load, calls } = loader(new Map([['1:7', 'ana'], ['2:7', 'bea'], ['3:7', 'cai']]));
    const accounts = new RecentAccounts(load, { ttlMs: 10_000, maxEntries: 2 });
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBe('ana');
    expect(await accounts.get({ tenantId: 2, userId: 7 })).toBe('bea');
    expect(await accounts.get({ tenantId: 3, userId: 7 })).toBe('cai');
    // The oldest made room: asked again, it is looked up again; the newer two are not.
    expect(await accounts.get({ tenantId: 1, userId: 7 })).toBe('ana');
    expect(await accounts.get({ tenantId: 3, userId: 7 })).toBe('cai');
    expect(calls).toEqual(['1:7', '2:7', '3:7', '1:7']);
  });
});
