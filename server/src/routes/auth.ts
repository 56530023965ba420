/**
 * simplejwt-compatible token endpoints: obtain a pair with username/password, refresh with rotation.
 * Served at /api/token/ and /api/v1/token/ (the upstream edge client uses the latter). Failed
 * attempts are throttled per username and address, and password hashing runs in a few slots only.
 */
import type { FastifyInstance } from 'fastify';
import { needsRehash, hashPassword, verifyPassword } from '../auth/password';
import { ApiError, badRequest, unauthorized } from '../http/errors';
import { type RouteContext, sessionUser } from '../http/context';

function field(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('Request body must be a JSON object');
  const v = (body as Record<string, unknown>)[name];
  if (typeof v !== 'string' || v === '') throw badRequest(`${name} is required`);
  return v;
}

/** 429 for a sign-in refused by the bounded password hashing: retrying after `retryAfterS` is cheap. */
function busy(retryAfterS: number): ApiError {
  return new ApiError(429, 'Too many sign-ins at once; try again in a moment', {
    'retry-after': String(retryAfterS),
  });
}

/** Runs a token operation of `address`, refused while it is locked and counted when it fails. */
async function throttled<T>(ctx: RouteContext, address: string, op: () => Promise<T>): Promise<T> {
  const attempt = { address };
  await ctx.throttle.check(attempt);
  try {
    return await op();
  } catch (e) {
    await ctx.throttle.failed(attempt);
    throw e;
  }
}

/**
 * Registers POST <prefix>/token/, <prefix>/token/refresh/ and <prefix>/token/blacklist/ for each
 * prefix (default /api and /api/v1).
 */
export function authRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  prefixes: readonly string[] = ['/api', '/api/v1'],
): void {
  for (const prefix of prefixes) {
    app.post(`${prefix}/token/`, { config: { faultRoute: 'token' } }, async (request) => {
      const username = field(request.body, 'username');
      const password = field(request.body, 'password');
      // Refused before any database work, so a flood costs the event loop as little as possible.
      const wait = ctx.hashSlots.retryAfterS;
      if (wait > 0) throw busy(wait);
      const attempt = { address: request.ip, username };
      await ctx.throttle.check(attempt);
      const user = await ctx.meta.getUser(username);
      const verified = await ctx.hashSlots.tryRun(async () => {
        const ok = await verifyPassword(password, user?.password_hash);
        // The password is at hand only now: bring a hash of an older cost up to today's.
        if (ok && user && needsRehash(user.password_hash))
          await ctx.meta.setPasswordHash(user.username, await hashPassword(password));
        return ok;
      });
      if (!verified) throw busy(Math.max(1, ctx.hashSlots.retryAfterS));
      if (!verified.value || !user || user.disabled) {
        await ctx.throttle.failed(attempt);
        throw unauthorized('No active account found with the given credentials');
      }
      await ctx.throttle.succeeded(username);
      return ctx.tokens.issue(user.username, user.token_generation);
    });
    app.post(`${prefix}/token/refresh/`, { config: { faultRoute: 'token' } }, async (request) => {
      const refresh = field(request.body, 'refresh');
      return throttled(ctx, request.ip, async () => {
        const session = await ctx.tokens.consumeRefresh(refresh);
        await sessionUser(ctx, session);
        return ctx.tokens.rotate(session);
      });
    });
    // simplejwt's sign-out: the refresh token can never be used again.
    app.post(`${prefix}/token/blacklist/`, { config: { faultRoute: 'token' } }, async (request) => {
      const refresh = field(request.body, 'refresh');
      return throttled(ctx, request.ip, async () => {
        await ctx.tokens.revoke(refresh);
        return {};
      });
    });
  }
}
