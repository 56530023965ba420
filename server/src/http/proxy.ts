/**
 * Proxy mode: every /api/ request is forwarded to a real HO (method, headers, body and response all
 * streamed), so the PWA and a real Head Office share one origin and the HO needs no CORS change.
 */
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** How long the upstream may stay silent before the request fails with 504. */
export const UPSTREAM_TIMEOUT_MS = 60_000;

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function forward(target: URL, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const url = new URL(target.pathname.replace(/\/+$/, '') + request.url, target);
  const headers = endToEnd(request.headers);
  headers.host = target.host;
  headers['x-forwarded-for'] = [request.headers['x-forwarded-for'], request.ip]
    .filter(Boolean)
    .join(', ');
  headers['x-forwarded-proto'] = request.protocol;
  headers['x-forwarded-host'] = request.host;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const upstream = send(
      url,
      { method: request.method, headers, timeout: UPSTREAM_TIMEOUT_MS },
      (res) => {
        reply.code(res.statusCode ?? 502);
        for (const [k, v] of Object.entries(endToEnd(res.headers)))
          if (v !== undefined) reply.header(k, v);
        resolvePromise(reply.send(res));
      },
    );
    upstream.on('timeout', () =>
      upstream.destroy(new ApiError(504, `Head Office ${target.origin} did not answer in time`)),
    );
    upstream.on('error', (e) =>
      reject(
        e instanceof ApiError
          ? e
          : new ApiError(
              502,
              `Head Office ${target.origin} is unreachable: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
            ),
      ),
    );
    request.raw.pipe(upstream);
  });
}

/** Registers the catch-all /api/ forwarder (in its own context, so bodies stay unparsed streams). */
export function registerProxy(app: FastifyInstance, target: URL): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Leave the body unread: forward() pipes request.raw straight to the upstream.
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.all('/api/*', (request, reply) => forward(target, request, reply));
  });
}
