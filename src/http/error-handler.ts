/**
 * The one place errors become responses: JSON `{"error":{"code","message"}}` for the API and
 * machine clients, the error page for browsers. AppErrors carry their own status and a
 * message meant for people; anything else is a 500 whose details stay in the log.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { AppError, ERROR_TABLE, type ErrorCode } from '../errors.js';
import { pageContext } from './pages/page-context.js';
import { errorPage } from './views/error-page.js';

interface RenderedError {
  status: number;
  code: string;
  message: string;
  /** What is wrong with each field (`{ sale_price: '…' }`), when the AppError carries `fields`. */
  fields?: Readonly<Record<string, string>> | undefined;
}

/** Fastify's own 4xx errors (bad JSON, an unknown Content-Type…) get the table's code, so clients see one vocabulary. */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 413: 'TooLarge', 415: 'UnsupportedMediaType', 422: 'Unprocessable',
};

function toRendered(err: FastifyError | Error): RenderedError {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message, fields: err.fields };
  const fastifyErr = err as FastifyError;
  if (typeof fastifyErr.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
    return { status: fastifyErr.statusCode, code: CODE_FOR_STATUS[fastifyErr.statusCode] ?? fastifyErr.code ?? 'BadRequest', message: fastifyErr.message };
  }
  return { status: 500, code: 'Internal', message: ERROR_TABLE.Internal.message };
}

function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

export function createErrorHandlers(ctx: AppContext) {
  function send(request: FastifyRequest, reply: FastifyReply, rendered: RenderedError): FastifyReply {
    // Answered before the whole body arrived (refused, too large): drop what still comes and
    // close the connection, so the client's next request is not read from the middle of this one.
    if (!request.raw.complete) {
      reply.header('connection', 'close');
      request.raw.resume();
    }
    reply.status(rendered.status).header('cache-control', 'no-store');
    if (wantsHtml(request)) {
      const page = pageContext(ctx, request, reply);
      // A 5xx page says only that something failed; the AppError's message is shown for 4xx and 503.
      const message = rendered.status < 500 || rendered.status === 503 ? rendered.message : undefined;
      return reply.type('text/html; charset=utf-8').send(errorPage({ page, status: rendered.status, message }));
    }
    const { code, message, fields } = rendered;
    return reply.send({ error: fields === undefined ? { code, message } : { code, message, fields } });
  }

  return {
    errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
      const rendered = toRendered(err);
      if (rendered.status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: rendered.code, status: rendered.status }, rendered.message);
      return send(request, reply, rendered);
    },
    notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
      return send(request, reply, { status: 404, code: 'NotFound', message: ERROR_TABLE.NotFound.message });
    },
  };
}
