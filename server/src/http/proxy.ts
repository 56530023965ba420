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

/** How many layers of percent-encoding are peeled off looking for a hidden dot segment. */
const MAX_DECODE_LAYERS = 4;
/** `.` or `..`, also with a `;parameter` (which Tomcat-style servers strip before resolving). */
const DOT_SEGMENT = /^\.{1,2}(;|$)/;

/**
 * The upstream URL of a request, or a 400 ApiError when its path could leave the target's API
 * prefix: `..`/`.` segments (plain, percent-encoded, double-encoded) or backslashes (which WHATWG URLs
 * and many servers read as `/`) at any decoding layer, or a resolved path outside `<target>/api/`.
 */
export function upstreamUrl(target: URL, requestUrl: string): URL {
  const base = target.pathname.replace(/\/+$/, '');
  const [rawPath = ''] = requestUrl.split('?', 1);
  const outside = new ApiError(400, 'Request path must stay under /api/');
  let layer = rawPath;
  for (let i = 0; i <= MAX_DECODE_LAYERS; i++) {
    if (layer.includes('\\') || layer.split('/').some((s) => DOT_SEGMENT.test(s))) throw outside;
    let next: string;
    try {
      next = decodeURIComponent(layer);
    } catch {
      throw new ApiError(400, 'Malformed URL');
    }
    if (next === layer) break;
    if (i === MAX_DECODE_LAYERS) throw outside;
    layer = next;
  }
  const url = new URL(base + requestUrl, target);
  if (url.origin !== target.origin || !url.pathname.startsWith(`${base}/api/`)) throw outside;
  return url;
}

function forward(target: URL, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const url = upstreamUrl(target, request.url);
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
