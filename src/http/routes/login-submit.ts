import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import { isPlainText } from '../../plain-text.js';
import { MAX_EMAIL_LENGTH } from '../../tenancy/email-address.js';
import { MAX_PASSWORD_LENGTH } from '../../tenancy/password.js';
import type { Services } from '../http-context.js';
import { msg, type Msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { safeNext } from '../pages/login-required.js';
import { pageContext, sendPage } from '../pages/page-context.js';
import { startSession } from '../pages/start-session.js';
import { waitText } from '../pages/wait-text.js';
import { loginPage } from '../views/login.js';

/** How long a log-in refused as too busy should wait: a couple of hashes' time. */
const BUSY_RETRY_SECONDS = 2;

/**
 * POST /login (email, password, _csrf[, next]) → 302 to /products (or `next`) with a new
 * session; wrong credentials → 200, the form again with an error (the same for an unknown
 * email and a wrong password). Each attempt is counted before its password is hashed
 * (tenancy/login-throttle.ts); after repeated failures for the account from this address, or
 * from the address → 429 with Retry-After and the form saying when to try again, unhashed;
 * too many log-ins hashing at once → 503, the same form.
 */
export default async function loginSubmit(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const again = (error: Msg, status: number) =>
      sendPage(
        reply,
        loginPage({ page: pageContext(s.pages, request, reply), email: email.slice(0, MAX_EMAIL_LENGTH), next, error }),
        status,
      );

    if (!csrfValid(request, s.pages.secret, body._csrf)) return again(msg('error.csrf'), 403);
    if (email === '' || password === '') return again(msg('login.error_required'), 200);
    // Longer than any account's email or password, or an email no account can have (a NUL would
    // even make PostgreSQL refuse the query): wrong, without a hash, a query or a row keyed by it.
    if (email.length > MAX_EMAIL_LENGTH || password.length > MAX_PASSWORD_LENGTH || !isPlainText(email))
      return again(msg('login.error_invalid'), 200);

    const attempt = { email, address: request.ip };
    const wait = await s.auth.loginThrottle.admit(attempt);
    if (wait > 0) {
      request.log.info({ event: 'login-throttled', wait }, 'log-in refused: too many failures');
      reply.header('retry-after', String(wait));
      return again(msg('login.error_throttled', { wait: waitText(request.locale, wait) }), 429);
    }
    let user;
    try {
      user = await s.auth.authenticate(email, password);
    } catch (err) {
      if (!isAppError(err, 'Unavailable')) throw err;
      reply.header('retry-after', String(BUSY_RETRY_SECONDS));
      return again(msg('login.error_busy'), 503);
    }
    if (user === undefined) {
      await s.auth.loginThrottle.failed(attempt);
      request.log.info({ event: 'login-failed' }, 'wrong email or password');
      return again(msg('login.error_invalid'), 200);
    }
    await s.auth.loginThrottle.succeeded(attempt);
    await startSession({ sessions: s.auth.sessions, config: s.pages.config }, request, reply, {
      userId: user.id,
      tenantId: user.tenant_id,
    });
    request.log.info({ event: 'login', tenantId: user.tenant_id, userId: user.id }, 'logged in');
    return reply.redirect(next ?? '/products', 302);
  });
}
