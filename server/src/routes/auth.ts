/**
 * simplejwt-compatible token endpoints: obtain a pair with username/password, refresh with rotation.
 * Served at /api/token/ and /api/v1/token/ (the upstream edge client uses the latter).
 */
import type { FastifyInstance } from 'fastify';
import { verifyPassword } from '../auth/password';
import { badRequest, unauthorized } from '../http/errors';
import type { RouteContext } from '../http/context';

function field(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('Request body must be a JSON object');
  const v = (body as Record<string, unknown>)[name];
  if (typeof v !== 'string' || v === '') throw badRequest(`${name} is required`);
  return v;
}

/** Registers POST <prefix>/token/ and <prefix>/token/refresh/ for each prefix (default /api and /api/v1). */
export function authRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  prefixes: readonly string[] = ['/api', '/api/v1'],
): void {
  for (const prefix of prefixes) {
    app.post(`${prefix}/token/`, { config: { faultRoute: 'token' } }, async (request) => {
      const username = field(request.body, 'username');
      const password = field(request.body, 'password');
      const user = await ctx.meta.getUser(username);
      if (!(await verifyPassword(password, user?.password_hash)) || !user) {
        throw unauthorized('No active account found with the given credentials');
      }
      return ctx.tokens.issue(user.username);
    });
    app.post(`${prefix}/token/refresh/`, { config: { faultRoute: 'token' } }, async (request) => {
      const username = await ctx.tokens.consumeRefresh(field(request.body, 'refresh'));
      if (!(await ctx.meta.getUser(username))) throw unauthorized('User not found');
      return ctx.tokens.issue(username);
    });
  }
}
