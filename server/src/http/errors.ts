/**
 * The one error path of the HTTP layer: every failure becomes `{"status":"error","message":...}`
 * (500 adds a one-line "detail", never a stack trace), whatever threw it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TokenError } from '../auth/jwt';
import { ConflictError, InvalidInputError, NotFoundError } from '../persistence/errors';

/** An error with the HTTP status and message to answer with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400 with a message naming the bad input. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

/** 401 with the Bearer challenge every authentication failure carries. */
export function unauthorized(message: string): ApiError {
  return new ApiError(401, message, { 'www-authenticate': 'Bearer realm="api"' });
}

/** The reference's error body. */
export interface ErrorBody {
  status: 'error';
  message: string;
  detail?: string;
}

/** Sends the error shape with `status`. */
export function sendError(
  reply: FastifyReply,
  status: number,
  message: string,
  detail?: string,
): FastifyReply {
  const body: ErrorBody = { status: 'error', message, ...(detail === undefined ? {} : { detail }) };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

const FASTIFY_MESSAGES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [400, 'Request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Malformed JSON body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'Request body is empty but Content-Type is application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported Content-Type'],
  FST_ERR_BAD_URL: [400, 'Malformed URL'],
  FST_ERR_MAX_PARAM_LENGTH: [404, 'Not found'],
};

/** Maps any thrown value to status, message and optional headers. */
function classify(err: unknown): {
  status: number;
  message: string;
  headers?: Record<string, string>;
  detail?: string;
} {
  if (err instanceof ApiError)
    return { status: err.status, message: err.message, headers: err.headers };
  if (err instanceof TokenError) {
    const e = unauthorized(err.message);
    return { status: 401, message: e.message, headers: e.headers };
  }
  if (err instanceof NotFoundError) return { status: 404, message: err.message };
  if (err instanceof ConflictError) return { status: 409, message: err.message };
  if (err instanceof InvalidInputError) return { status: 400, message: err.message };
  const fe = err as Partial<FastifyError>;
  const known = fe.code ? FASTIFY_MESSAGES[fe.code] : undefined;
  if (known) return { status: known[0], message: known[1] };
  // JSON.parse failures inside fastify's parser (and prototype poisoning) arrive as 400s.
  if (
    err instanceof SyntaxError ||
    (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500)
  ) {
    return {
      status: fe.statusCode && fe.statusCode !== 400 ? fe.statusCode : 400,
      message: err instanceof SyntaxError ? 'Malformed JSON body' : firstLine(fe.message),
    };
  }
  return {
    status: 500,
    message: 'Internal server error',
    detail: firstLine(`${fe.name ?? 'Error'}: ${fe.message ?? String(err)}`),
  };
}

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0]!.slice(0, 300);
}

/** The error handler of the whole app (also used for framework errors such as bad URLs). */
export function handleError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const c = classify(err);
  if (c.status >= 500) request.log.error({ err }, 'request failed');
  // An error body must not carry headers a handler set for the success body it never sent.
  for (const h of [
    'content-disposition',
    'content-range',
    'etag',
    'last-modified',
    'x-checksum',
    'x-version',
    'content-length',
    'accept-ranges',
  ])
    reply.removeHeader(h);
  for (const [k, v] of Object.entries(c.headers ?? {})) reply.header(k, v);
  return sendError(reply, c.status, c.message, c.detail);
}
