import type { FastifyInstance } from 'fastify';
import { isAppError } from '../../errors.js';
import { isPlainText } from '../../plain-text.js';
import { isEmailAddress } from '../../tenancy/email-address.js';
import { MIN_PASSWORD_LENGTH, signUp } from '../../tenancy/tenancy.service.js';
import type { HttpContext } from '../http-context.js';
import { msg, type Msg } from '../i18n/index.js';
import { csrfValid } from '../pages/csrf-guard.js';
import { pageContext, redirectWithFlash, sendPage } from '../pages/page-context.js';
import { startSession } from '../pages/start-session.js';
import type { SignupModel } from '../views/types.js';
import { signupPage } from '../views/signup.js';

type Errors = SignupModel['errors'];

/**
 * POST /signup (tenant_name, email, password, _csrf) → creates the tenant and its first user,
 * logs them in, 302 to /products; bad or taken input → 200, the form again with a message
 * beside each field.
 */
export default async function signupSubmit(app: FastifyInstance, hc: HttpContext): Promise<void> {
  app.post('/signup', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const values = { tenant_name: str(body.tenant_name).trim(), email: str(body.email).trim() };
    const password = str(body.password);
    const again = (errors: Errors, status = 200, flash?: Msg) =>
      sendPage(
        reply,
        signupPage({ page: pageContext(hc, request, reply, flash ? [{ kind: 'error', message: flash }] : []), values, errors }),
        status,
      );

    if (!csrfValid(request, hc.secret, body._csrf)) return again({}, 403, msg('error.csrf'));
    const errors: Errors = {};
    if (values.tenant_name === '' || values.tenant_name.length > 100) errors.tenant_name = msg('error.tenant_name_required');
    else if (!isPlainText(values.tenant_name)) errors.tenant_name = msg('error.tenant_name_invalid');
    if (!isEmailAddress(values.email)) errors.email = msg('error.email_invalid');
    if (password.length < MIN_PASSWORD_LENGTH || password.length > 200) errors.password = msg('error.password_too_short');
    if (Object.keys(errors).length > 0) return again(errors);

    let created;
    try {
      created = await signUp(hc.db, { tenantName: values.tenant_name, email: values.email, password }, { passwords: hc.passwords });
    } catch (err) {
      if (isAppError(err, 'Conflict')) return again({ email: msg('error.email_taken') });
      throw err;
    }
    const { tenant, user } = created;
    request.log.info({ event: 'signup', tenantId: tenant.id, userId: user.id }, 'tenant created');
    await startSession(hc, request, reply, { userId: user.id, tenantId: tenant.id });
    return redirectWithFlash(hc, reply, '/products', { kind: 'success', message: msg('flash.welcome') });
  });
}
