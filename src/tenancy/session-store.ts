/**
 * Sessions that really end. The cookie is signed (session.ts) and names a `sessions` row; a
 * session is live while that row exists and has not expired. A logged-in request costs one
 * query — the row with its user and tenant — or none when the same session asked within the
 * last 5 s (recent-accounts.ts). Ending a session deletes its row: this instance refuses it
 * at once, every other instance within those 5 s.
 *
 * @example
 *   const sessions = new SessionStore(db, secret);
 *   const { cookie } = await sessions.start({ userId: 7, tenantId: 42 });
 *   const account = await sessions.account(verifySession(secret, cookie)!);   // { email, tenantName, … }
 *   await sessions.end(session);                                             // log-out
 */
import type { Db } from '../db/schema.js';
import { RecentAccounts } from './recent-accounts.js';
import { newSessionId, SESSION_TTL_SECONDS, signSession, type Session } from './session.js';
import { deleteExpiredSessions, deleteSession, findSessionAccount, insertSession, type SessionAccount } from './sessions.repository.js';

/** How long an instance takes a looked-up session as it was. */
export const ACCOUNT_TTL_MS = 5000;

export class SessionStore {
  private readonly accounts: RecentAccounts<SessionAccount>;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    options: { now?: () => number; ttlMs?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.accounts = new RecentAccounts((id) => findSessionAccount(db, id, new Date(this.now())), {
      ttlMs: options.ttlMs ?? ACCOUNT_TTL_MS,
      now: this.now,
    });
  }

  /**
   * A new session for someone who just logged in or signed up: its row, and the cookie value
   * naming it (`maxAge` in seconds). Sessions that have expired meanwhile are cleaned up here,
   * so the table holds only live ones and a few of a day's ended ones.
   */
  async start(who: { userId: number; tenantId: number }): Promise<{ cookie: string; maxAge: number }> {
    const id = newSessionId();
    const now = this.now();
    await insertSession(this.db, { ...who, id, expiresAt: new Date(now + SESSION_TTL_SECONDS * 1000) });
    await deleteExpiredSessions(this.db, new Date(now));
    const cookie = signSession(this.secret, { ...who, id }, { now: Math.floor(now / 1000), ttlSeconds: SESSION_TTL_SECONDS });
    return { cookie, maxAge: SESSION_TTL_SECONDS };
  }

  /** The account of a live session, or undefined when it has ended (or its user is gone). */
  account(session: Session): Promise<SessionAccount | undefined> {
    return this.accounts.get(session.id);
  }

  /**
   * Forgets the accounts `which` picks, so this instance reads them again at once: after a
   * change to what they carry (the shop's name, currency or language, a member's role) or the
   * end of their sessions. Other instances see the change when their 5 s are up.
   */
  forgetAccounts(which: (account: SessionAccount) => boolean): void {
    this.accounts.forgetWhere(which);
  }

  /** Ends one session (log-out). */
  async end(session: Pick<Session, 'id'>): Promise<void> {
    await deleteSession(this.db, session.id);
    // After the delete: a request looking the session up meanwhile must not keep it for 5 s.
    this.accounts.forget(session.id);
  }
}
