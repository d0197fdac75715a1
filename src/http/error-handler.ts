/**
 * The one place errors become responses: JSON `{"error":{"code","message"}}` for the API and
 * machine clients, a short HTML page for browsers. AppErrors carry their own status and a
 * message meant for people; anything else is a 500 whose details stay in the log.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_TABLE } from '../errors.js';

interface RenderedError {
  status: number;
  code: string;
  message: string;
}

function toRendered(err: FastifyError | Error): RenderedError {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message };
  const fastifyErr = err as FastifyError;
  if (typeof fastifyErr.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
    return { status: fastifyErr.statusCode, code: fastifyErr.code ?? 'BadRequest', message: fastifyErr.message };
  }
  return { status: 500, code: 'Internal', message: ERROR_TABLE.Internal.message };
}

function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendError(request: FastifyRequest, reply: FastifyReply, rendered: RenderedError): FastifyReply {
  reply.status(rendered.status);
  if (wantsHtml(request)) {
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><meta charset="utf-8"><title>${rendered.status}</title><h1>${rendered.status}</h1><p>${escapeHtml(rendered.message)}</p>`);
  }
  return reply.send({ error: { code: rendered.code, message: rendered.message } });
}

export function errorHandler(this: unknown, err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const rendered = toRendered(err);
  if (rendered.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: rendered.code, status: rendered.status }, rendered.message);
  return sendError(request, reply, rendered);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(request, reply, { status: 404, code: 'NotFound', message: ERROR_TABLE.NotFound.message });
}
