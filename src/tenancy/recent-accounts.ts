/**
 * The accounts sessions named in the last few seconds, so that a logged-in page or upload does
 * not spend a database round trip on who is asking: a browser that uploads, follows the
 * redirect and loads the list asks three times in a second. Per instance and short-lived —
 * nothing here is shared state: a user or tenant removed from the database (there is no such
 * action in the app; an operator's SQL) is refused by every instance within `ttlMs`.
 *
 * Only accounts found are kept: a session whose user is gone is looked up again every time.
 *
 * @example
 *   const accounts = new RecentAccounts((who) => findAccount(db, who), { ttlMs: 5000 });
 *   const account = await accounts.get({ userId: 7, tenantId: 42 });
 */
export interface AccountKey {
  userId: number;
  tenantId: number;
}

export class RecentAccounts<A> {
  private readonly entries = new Map<string, { account: A; until: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly load: (who: AccountKey) => Promise<A | undefined>,
    options: { ttlMs?: number; maxEntries?: number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  async get(who: AccountKey): Promise<A | undefined> {
    const key = `${who.tenantId}:${who.userId}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.until > now) return hit.account;
    const account = await this.load(who);
    if (account === undefined) {
      this.entries.delete(key);
      return undefined;
    }
    // Bounded: past the cap, the oldest entry (first inserted) makes room.
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { account, until: now + this.ttlMs });
    return account;
  }
}
