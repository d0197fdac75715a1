/**
 * The accounts live sessions named in the last few seconds, so that a logged-in page or upload
 * does not spend a database round trip on who is asking: a browser that uploads, follows the
 * redirect and loads the list asks three times in a second. Per instance and short-lived — the
 * database is the shared state: a session ended on another instance (log-out, a password
 * change, sign-out-everywhere), or a user removed by hand, is refused here within `ttlMs`; one
 * ended on this instance is {@link RecentAccounts.forget forgotten} at once.
 *
 * Only accounts found are kept: a session that is gone is looked up again every time. A
 * look-up still running when its key is forgotten is not kept either: it may have read the row
 * just before it was deleted, and keeping it would accept an ended session for `ttlMs` more.
 *
 * @example
 *   const accounts = new RecentAccounts((sessionId) => findSessionAccount(db, sessionId, new Date()), { ttlMs: 5000 });
 *   const account = await accounts.get(session.id);
 */
/** What a look-up returns when its key was forgotten while it ran. */
const STALE: unique symbol = Symbol('stale');

/** A look-up running now: `stale` when its key was forgotten (answer nothing), `keep` false when it must not be kept. */
interface Load {
  stale: boolean;
  keep: boolean;
}

export class RecentAccounts<A> {
  private readonly entries = new Map<string, { account: A; until: number }>();
  /** The look-ups running now, per key; {@link forget} marks them stale. Bounded by the requests in flight. */
  private readonly loading = new Map<string, Set<Load>>();
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
    const loaded = await this.tracked(key);
    if (loaded === STALE) return undefined;
    const { account, keep } = loaded;
    if (account === undefined) {
      this.entries.delete(key);
      return undefined;
    }
    if (!keep) return account;
    // Bounded: past the cap, the oldest entry (first inserted) makes room.
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { account, until: this.now() + this.ttlMs });
    return account;
  }

  /** Drops what is kept for `key`, and what a look-up running now would keep, so its next `get` asks the database. */
  forget(key: string): void {
    this.entries.delete(key);
    for (const load of this.loading.get(key) ?? []) load.stale = true;
  }

  /**
   * Drops every kept account `which` picks (a shop renamed, a member's role changed). A look-up
   * running now may have read the row before the change and its account is not known yet: it
   * is answered (the session is still live) but not kept, so the next `get` reads the change.
   */
  forgetWhere(which: (account: A) => boolean): void {
    for (const [key, entry] of this.entries) if (which(entry.account)) this.entries.delete(key);
    for (const loads of this.loading.values()) for (const load of loads) load.keep = false;
  }

  /** Loads `key`; {@link STALE} when it was forgotten meanwhile, `keep: false` when what it read may have changed meanwhile. */
  private async tracked(key: string): Promise<{ account: A | undefined; keep: boolean } | typeof STALE> {
    const load: Load = { stale: false, keep: true };
    let running = this.loading.get(key);
    if (running === undefined) this.loading.set(key, (running = new Set()));
    running.add(load);
    try {
      const account = await this.load(key);
      return load.stale ? STALE : { account, keep: load.keep };
    } finally {
      running.delete(load);
      if (running.size === 0) this.loading.delete(key);
    }
  }
}
