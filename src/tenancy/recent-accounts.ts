/**
 * The accounts live sessions named in the last few seconds, so that a logged-in page or upload
 * does not spend a database round trip on who is asking: a browser that uploads, follows the
 * redirect and loads the list asks three times in a second. Per instance and short-lived — the
 * database is the shared state: a session ended on another instance (log-out, a password
 * change, sign-out-everywhere), or a user removed by hand, is refused here within `ttlMs`; one
 * ended on this instance is {@link RecentAccounts.forget forgotten} at once.
 *
 * Only accounts found are kept: a session that is gone is looked up again every time.
 *
 * @example
 *   const accounts = new RecentAccounts((sessionId) => findSessionAccount(db, sessionId, new Date()), { ttlMs: 5000 });
 *   const account = await accounts.get(session.id);
 */
export class RecentAccounts<A> {
  private readonly entries = new Map<string, { account: A; until: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly load: (key: string) => Promise<A | undefined>,
    options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async get(key: string): Promise<A | undefined> {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.until > this.now()) return hit.account;
    const account = await this.load(key);
    if (account === undefined) {
      this.entries.delete(key);
      return undefined;
    }
    // Bounded: past the cap, the oldest entry (first inserted) makes room.
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { account, until: this.now() + this.ttlMs });
    return account;
  }

  /** Drops what is kept for `key`, so its next `get` asks the database. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
