import type { FastifyInstance } from 'fastify';
import { isCurrencyCode, suggestedCurrency } from '../../catalog/currency.js';
import { isAppError } from '../../errors.js';
import { isPlainText } from '../../plain-text.js';
import { isEmailAddress } from '../../tenancy/email-address.js';
import { MIN_PASSWORD_LENGTH } from '../../tenancy/tenancy.service.js';
import type { Services } from '../http-context.js';
import { msg, type Msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { pageContext, redirectWithFlash, sendPage } from '../pages/page-context.js';
import { startSession } from '../pages/start-session.js';
import { waitText } from '../pages/wait-text.js';
import type { SignupModel } from '../views/types.js';
import { MAX_TENANT_NAME_LENGTH, signupPage } from '../views/signup.js';

type Errors = SignupModel['errors'];

/** How long a sign-up refused as too busy should wait: a couple of hashes' time. */
const BUSY_RETRY_SECONDS = 2;

/**
 * POST /signup (tenant_name, email, password, _csrf) → creates the tenant and its first user,
 * logs them in, 302 to /products; bad or taken input → 200, the form again with a message
 * beside each field (a taken email is found before the password is hashed). Too many sign-ups
 * from the address (tenancy/signup-throttle.ts) → 429 with Retry-After and the form saying when
 * to try again; the password hasher's waiting room half full → 503, the same form.
 */
export default async function signupSubmit(app: FastifyInstance, s: Pick<Services, 'auth' | 'pages'>): Promise<void> {
  app.post('/signup', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    // A client that sends no currency gets the page language's usual one, as the form suggests.
    const currency = body.currency === undefined ? suggestedCurrency(request.locale) : str(body.currency).trim().slice(0, 8);
    const values = { tenant_name: str(body.tenant_name).trim(), email: str(body.email).trim(), currency };
    const password = str(body.password);
    const again = (errors: Errors, status = 200, flash?: Msg) =>
      sendPage(
        reply,
        signupPage({ page: pageContext(s.pages, request, reply, flash ? [{ kind: 'error', message: flash }] : []), values, errors }),
        status,
      );

    if (!csrfValid(request, s.pages.secret, body._csrf)) return again({}, 403, msg('error.csrf'));
    const errors: Errors = {};
    if (values.tenant_name === '') errors.tenant_name = msg('error.tenant_name_required');
    // The input's maxlength stops a browser at 100; a client that sends more is told the limit.
    else if (values.tenant_name.length > MAX_TENANT_NAME_LENGTH) errors.tenant_name = msg('errors.tenant_name_too_long');
    else if (!isPlainText(values.tenant_name)) errors.tenant_name = msg('error.tenant_name_invalid');
    if (!isEmailAddress(values.email)) errors.email = msg('error.email_invalid');
    if (password.length < MIN_PASSWORD_LENGTH || password.length > 200) errors.password = msg('error.password_too_short');
    if (!isCurrencyCode(values.currency)) errors.currency = msg('prices.currency_invalid');
    if (Object.keys(errors).length > 0) return again(errors);

    const wait = await s.auth.signUpThrottle.admit(request.ip);
    if (wait > 0) {
      request.log.info({ event: 'signup-throttled', wait }, 'sign-up refused: too many from this address');
      reply.header('retry-after', String(wait));
      return again({}, 429, msg('signup.error_throttled', { wait: waitText(request.locale, wait) }));
    }
    let created;
    try {
      created = await s.auth.signUp({ tenantName: values.tenant_name, email: values.email, password, currency: values.currency });
    } catch (err) {
      if (isAppError(err, 'Conflict')) return again({ email: msg('error.email_taken') });
      if (!isAppError(err, 'Unavailable')) throw err;
      reply.header('retry-after', String(BUSY_RETRY_SECONDS));
      return again({}, 503, msg('signup.error_busy'));
    }
    const { tenant, user } = created;
    request.log.info({ event: 'signup', tenantId: tenant.id, userId: user.id }, 'tenant created');
    await startSession({ sessions: s.auth.sessions, config: s.pages.config }, request, reply, { userId: user.id, tenantId: tenant.id });
    return redirectWithFlash(s.pages, reply, '/products', { kind: 'success', message: msg('flash.welcome') });
  });
}
