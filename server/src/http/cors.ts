/**
 * CORS for the configured origins: response headers the PWA must read are exposed, and preflights
 * are answered before routing (so they also work for routes that do not exist for OPTIONS).
 */
import type { FastifyInstance } from 'fastify';
import { sendError } from './errors';

/** Response headers a cross-origin client may read. */
export const EXPOSED_HEADERS =
  'X-Checksum, X-Version, ETag, Content-Disposition, Content-Length, Content-Range, Retry-After';

const ALLOWED_HEADERS = 'Authorization, Content-Type, If-None-Match, If-Range, Range';
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** Adds the CORS hook; `origins` is '*' (any) or an exact list ([] = same-origin only). */
export function registerCors(app: FastifyInstance, origins: '*' | string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (origins !== '*') reply.header('vary', 'Origin');
    const preflight =
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-method'] !== undefined;
    if (origins !== '*' && !origins.includes(origin)) {
      if (preflight) return sendError(reply, 403, `Origin ${origin} is not allowed`);
      return;
    }
    reply.header('access-control-allow-origin', origins === '*' ? '*' : origin);
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    if (!preflight) return;
    reply.header('access-control-allow-methods', ALLOWED_METHODS);
    reply.header(
      'access-control-allow-headers',
      request.headers['access-control-request-headers'] ?? ALLOWED_HEADERS,
    );
    reply.header('access-control-max-age', '600');
    // Chrome's Private Network Access: a public-origin PWA may call an HO on the store LAN.
    if (request.headers['access-control-request-private-network'] === 'true')
      reply.header('access-control-allow-private-network', 'true');
    return reply.code(204).send();
  });
}
