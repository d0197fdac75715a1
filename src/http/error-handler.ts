/**
 * The one place errors become responses: JSON `{"error":{"code","message"}}` for the API and
 * machine clients, the error page for browsers. AppErrors carry their own status and a
 * message meant for people; anything else is a 500 whose details stay in the log.
 *
 * Client input never makes a 500: a value the database refused (a NUL, a number out of range)
 * that got past the checks at the input is a 400, and a malformed URL, which Fastify answers
 * before routing (`frameworkErrors`), gets the app's 400 page or JSON like any other error.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { isDataException } from '../db/pg-errors.js';
import { AppError, ERROR_TABLE, type ErrorCode } from '../errors.js';
import type { Session } from '../tenancy/session.js';
import type { SessionAccount } from '../tenancy/sessions.repository.js';
import { negotiateLocale } from './i18n/index.js';
import { pageContext } from './pages/page-context.js';
import { pageMessage } from './error-page-message.js';
import { securityHeaders } from './security-headers.js';
import type { PageContext } from './views/types.js';
import { errorPage } from './views/error-page.js';
import { useAccount } from './pages/login-required.js';

export interface RenderedError {
  status: number;
  code: string;
  message: string;
  /** What is wrong with each field (`{ sale_price: '…' }`), when the AppError carries `fields`. */
  fields?: Readonly<Record<string, string>> | undefined;
  /** Sent as Retry-After (a busy 503 that says when to try again). */
  retryAfterSeconds?: number | undefined;
  /** A value the database refused: an input check is missing somewhere. */
  refusedValue?: boolean;
  /** The Fastify error code behind it (a malformed URL's page says so in the page's language). */
  frameworkCode?: string | undefined;
}

/** Fastify's own 4xx errors (bad JSON, an unknown Content-Type…) get the table's code, so clients see one vocabulary. */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'TooLarge',
  415: 'UnsupportedMediaType',
  422: 'Unprocessable',
};

/** A database refusal of a value, found on the error or its causes (a service may wrap it). */
function dataException(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isDataException(e)) return true;
  }
  return false;
}

const REFUSED_VALUE = 'A value in this request cannot be stored: remove control characters (such as NUL) and keep numbers within range.';

function toRendered(err: FastifyError | Error): RenderedError {
  if (err instanceof AppError)
    return { status: err.status, code: err.code, message: err.message, fields: err.fields, retryAfterSeconds: err.retryAfterSeconds };
  if (dataException(err)) return { status: 400, code: 'BadRequest', message: REFUSED_VALUE, refusedValue: true };
  const fastifyErr = err as FastifyError;
  if (typeof fastifyErr.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
    return {
      status: fastifyErr.statusCode,
      code: CODE_FOR_STATUS[fastifyErr.statusCode] ?? fastifyErr.code ?? 'BadRequest',
      message: fastifyErr.message,
    };
  }
  return { status: 500, code: 'Internal', message: ERROR_TABLE.Internal.message };
}

function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * The errors Fastify raises before a request reaches a route, as the app's own: a URL whose
 * %-escapes do not decode, a path parameter past `maxParamLength` (no product id is that long).
 */
function frameworkAppError(err: FastifyError): AppError | undefined {
  if (err.code === 'FST_ERR_BAD_URL') {
    return new AppError(
      'BadRequest',
      'This address is not valid: it has a broken %-escape (such as %E0%A4%A). Check the link or type the address again.',
      { cause: err },
    );
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('NotFound', undefined, { cause: err });
  return undefined;
}

function log(request: FastifyRequest, err: Error, rendered: RenderedError): void {
  if (rendered.status >= 500) request.log.error({ err }, 'request failed');
  // Logged with its cause: the input check that should have caught it is missing somewhere.
  else if (rendered.refusedValue)
    request.log.warn({ err, code: rendered.code, status: rendered.status }, 'the database refused a value from the request');
  else request.log.info({ code: rendered.code, status: rendered.status }, rendered.message);
}

/** What the error pages may use beyond the context. */
export interface ErrorHandlerOptions {
  /**
   * The account of a live session: an unknown URL shows a logged-in person their own header.
   * Absent in the store-only app (no sessions there).
   */
  readonly accountOf?: ((session: Session) => Promise<SessionAccount | undefined>) | undefined;
}

export function createErrorHandlers(ctx: AppContext, options: ErrorHandlerOptions = {}) {
  const setSecurityHeaders = securityHeaders(ctx.config);

  /**
   * What a page needs when the request's hooks never ran (framework errors): the language from
   * Accept-Language, and nobody logged in — the session cookie was not read.
   */
  function barePageContext(request: FastifyRequest): PageContext {
    return { locale: negotiateLocale(request.headers['accept-language'], undefined, undefined), session: null, flash: [] };
  }

  function send(request: FastifyRequest, reply: FastifyReply, rendered: RenderedError, page?: PageContext): FastifyReply {
    // Answered before the whole body arrived (refused, too large): drop what still comes and
    // close the connection, so the client's next request is not read from the middle of this one.
    if (!request.raw.complete) {
      reply.header('connection', 'close');
      request.raw.resume();
    }
    reply.status(rendered.status).header('cache-control', 'no-store');
    if (rendered.retryAfterSeconds !== undefined) reply.header('retry-after', String(rendered.retryAfterSeconds));
    if (wantsHtml(request)) {
      page ??= pageContext(ctx, request, reply);
      // In the page's language: the AppError's message when it is one of the pages' own texts,
      // else the text for its code (a 5xx page says only that something failed).
      const message = pageMessage(rendered);
      return reply.type('text/html; charset=utf-8').send(errorPage({ page, status: rendered.status, message }));
    }
    const { code, message, fields } = rendered;
    return reply.send({ error: fields === undefined ? { code, message } : { code, message, fields } });
  }

  /**
   * The header of a page whose route never loaded the account (an unknown URL, a route without
   * log-in): who is logged in, when the cookie names a live session. A failing lookup shows the
   * logged-out header rather than failing the error page too.
   */
  async function loadAccount(request: FastifyRequest): Promise<void> {
    if (options.accountOf === undefined || request.session === null || request.account !== null || !wantsHtml(request)) return;
    try {
      const account = await options.accountOf(request.session);
      if (account !== undefined) useAccount(request, account);
    } catch (err) {
      request.log.warn({ err }, 'the account for an error page could not be loaded');
    }
  }

  return {
    async errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      const rendered = toRendered(err);
      log(request, err, rendered);
      if (rendered.status < 500) await loadAccount(request);
      return send(request, reply, rendered);
    },
    /** Fastify's `frameworkErrors`: no hook has run, so the security headers are set here. */
    frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
      const appErr = frameworkAppError(err) ?? err;
      const rendered = { ...toRendered(appErr), frameworkCode: err.code };
      log(request, err, rendered);
      reply.type(wantsHtml(request) ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8');
      setSecurityHeaders(reply);
      return send(request, reply, rendered, barePageContext(request));
    },
    async notFoundHandler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      await loadAccount(request);
      return send(request, reply, { status: 404, code: 'NotFound', message: ERROR_TABLE.NotFound.message });
    },
  };
}
