/**
 * Token manager (simplejwt-compatible): sign-in with username/password or a pasted access token,
 * renewal before the JWT `exp` and once after a 401, refresh-token rotation, revocation at sign-out.
 * Tokens are persisted through the storage port and only ever travel in the Authorization header or,
 * the refresh token, in the body of the HO's own token endpoints.
 */
import { AuthError, InvalidResponseError, SyncError } from '../shared/errors';
import type { TokenSet } from '../shared/types';
import { httpError, readJson, send, withRetry, type HttpContext } from './http';
import type { SyncStorage } from './ports';

/** Sign-in path tried when the configured one answers 404 (the upstream edge client uses it). */
export const FALLBACK_TOKEN_PATH = '/api/v1/token/';
const DEFAULT_REFRESH_PATH = '/api/token/refresh/';

/** Joins the HO base URL (possibly with a sub-path) and an absolute API path. */
export function apiUrl(serverUrl: string, path: string): string {
  return serverUrl.replace(/\/+$/, '') + path;
}

/** A numeric claim of a JWT in epoch ms, or null when the token is not a JWT with that claim (no signature check). */
function jwtTimeMs(token: string, claim: 'exp' | 'iat'): number | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const claims: unknown = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))),
    );
    const value =
      typeof claims === 'object' && claims !== null
        ? (claims as Record<string, unknown>)[claim]
        : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value * 1000 : null;
  } catch {
    return null;
  }
}

/** `exp` of a JWT in epoch ms, or null when the token is not a JWT with a numeric `exp` (no signature check). */
export function jwtExpiryMs(token: string): number | null {
  return jwtTimeMs(token, 'exp');
}

/**
 * Terminal time (epoch ms) at which to renew an access token received at `now`: before its end by the smaller
 * of `marginMs` and a quarter of its lifetime, so a short-lived token is renewed once per lifetime, not on every
 * request. The lifetime is `exp - iat` (both HO clock: a skewed terminal clock does not matter) or, without
 * `iat`, `exp - now`. Null when the token carries no `exp` or is already over by the terminal's clock.
 */
export function renewAtMs(access: string, now: number, marginMs: number): number | null {
  const exp = jwtExpiryMs(access);
  if (exp === null) return null;
  const lifetime = exp - (jwtTimeMs(access, 'iat') ?? now);
  if (lifetime <= 0) return null;
  return now + lifetime - Math.min(marginMs, lifetime / 4);
}

/**
 * What the HO did with the refresh token at sign-out: blacklisted it, has no blacklist endpoint (404/405),
 * refused it as already invalid (400/401/403), could not be asked (offline, timeout, 5xx), or there was
 * no refresh token to revoke (a pasted access token). The tokens are forgotten in every case.
 */
export type Revocation = 'revoked' | 'unsupported' | 'refused' | 'unreachable' | 'no-token';

/** Keeps a valid access token at hand for the engine's requests. */
export class TokenManager {
  private tokens: TokenSet | null | undefined;
  private renewing: Promise<string> | null = null;

  constructor(private readonly storage: SyncStorage) {}

  /** The persisted tokens, or null when signed out. */
  async current(): Promise<TokenSet | null> {
    if (this.tokens === undefined) this.tokens = (await this.storage.getState('auth')) ?? null;
    return this.tokens;
  }

  /** Obtains tokens with username/password (configured path, then the fallback path on 404). */
  async signIn(ctx: HttpContext, username: string, password: string): Promise<void> {
    const paths = [...new Set([ctx.settings.tokenPath, FALLBACK_TOKEN_PATH])];
    for (const [i, path] of paths.entries()) {
      const body = await this.postJson(
        ctx,
        path,
        { username, password },
        'sign-in',
        i < paths.length - 1,
      );
      if (body === 'not-found') continue;
      await this.save(ctx, { ...tokenPair(body, true), token_path: path });
      return;
    }
  }

  /** Uses an access token pasted by the user (no refresh token: it works until it expires). */
  async useAccessToken(ctx: HttpContext, access: string): Promise<void> {
    const token = access.trim();
    if (token === '') throw new AuthError('the access token is empty');
    await this.save(ctx, {
      access: token,
      refresh: null,
      access_exp_ms: jwtExpiryMs(token),
      token_path: ctx.settings.tokenPath,
    });
  }

  /**
   * Asks the HO to blacklist the refresh token (simplejwt: `POST <token path>blacklist/` with
   * `{"refresh"}`, the token path sign-in used) with the attempts and deadline of `ctx`. Never throws for
   * the HO's answer or its absence: sign-out goes on, and nothing is kept to send later.
   */
  async revoke(ctx: HttpContext): Promise<Revocation> {
    const tokens = await this.current();
    if (tokens === null || tokens.refresh === null) return 'no-token';
    const url = apiUrl(ctx.settings.serverUrl, `${tokens.token_path}blacklist/`);
    const body = JSON.stringify({ refresh: tokens.refresh });
    try {
      return await withRetry(ctx, async () => {
        const ex = await send(ctx, url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body,
        });
        const { status } = ex.res;
        if (status >= 500) throw await httpError(ctx, ex, 'token revocation');
        ex.res.body?.cancel().catch(() => undefined);
        ex.done();
        if (ex.res.ok) return 'revoked';
        return status === 404 || status === 405 ? 'unsupported' : 'refused';
      });
    } catch (err) {
      if (err instanceof SyncError) return 'unreachable';
      throw err;
    }
  }

  /** Forgets the tokens. */
  async signOut(): Promise<void> {
    this.tokens = null;
    await this.storage.putState('auth', undefined);
  }

  /** A usable access token, renewed first once its renewal time (`renewAtMs`) has come. */
  async accessToken(ctx: HttpContext): Promise<string> {
    const tokens = await this.current();
    if (tokens === null) throw new AuthError('not signed in');
    // Tokens saved by older versions carry no renewal time: the fixed margin before `exp`.
    const renewAt =
      tokens.access_renew_at_ms !== undefined
        ? tokens.access_renew_at_ms
        : tokens.access_exp_ms === null
          ? null
          : tokens.access_exp_ms - ctx.settings.renewBeforeExpiryMs;
    return renewAt !== null && ctx.clock.now() >= renewAt ? this.renew(ctx) : tokens.access;
  }

  /** Called after a 401 with the token that was rejected: renews once (shared by concurrent callers). */
  async renewAfter401(ctx: HttpContext, rejected: string): Promise<string> {
    const tokens = await this.current();
    if (tokens !== null && tokens.access !== rejected) return tokens.access;
    return this.renew(ctx);
  }

  private renew(ctx: HttpContext): Promise<string> {
    this.renewing ??= this.refresh(ctx).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async refresh(ctx: HttpContext): Promise<string> {
    const tokens = await this.current();
    if (tokens === null) throw new AuthError('not signed in');
    if (tokens.refresh === null) throw new AuthError('the access token expired; sign in again');
    const paths = [...new Set([`${tokens.token_path}refresh/`, DEFAULT_REFRESH_PATH])];
    for (const [i, path] of paths.entries()) {
      const body = await this.postJson(
        ctx,
        path,
        { refresh: tokens.refresh },
        'token renewal',
        i < paths.length - 1,
      );
      if (body === 'not-found') continue;
      const pair = tokenPair(body, false);
      await this.save(ctx, {
        ...pair,
        refresh: pair.refresh ?? tokens.refresh,
        token_path: tokens.token_path,
      });
      return pair.access;
    }
    throw new AuthError('token renewal endpoint not found');
  }

  /** POSTs JSON to a token endpoint; 400/401/403 mean the credentials are bad. */
  private async postJson(
    ctx: HttpContext,
    path: string,
    payload: object,
    what: string,
    allowNotFound: boolean,
  ): Promise<unknown> {
    return withRetry(ctx, async () => {
      const ex = await send(ctx, apiUrl(ctx.settings.serverUrl, path), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(payload),
      });
      const { status } = ex.res;
      if (allowNotFound && status === 404) {
        ex.done();
        return 'not-found';
      }
      if (status === 400 || status === 401 || status === 403) {
        const err = await httpError(ctx, ex, what);
        throw new AuthError(`${what} refused: ${err.message}`);
      }
      if (!ex.res.ok) throw await httpError(ctx, ex, what);
      return readJson(ctx, ex, 'token');
    });
  }

  private async save(
    ctx: HttpContext,
    received: Omit<TokenSet, 'access_renew_at_ms'>,
  ): Promise<void> {
    const tokens: TokenSet = {
      ...received,
      access_renew_at_ms: renewAtMs(
        received.access,
        ctx.clock.now(),
        ctx.settings.renewBeforeExpiryMs,
      ),
    };
    await this.storage.putState('auth', tokens);
    this.tokens = tokens;
  }
}

function tokenPair(body: unknown, needRefresh: boolean): Omit<TokenSet, 'token_path'> {
  const obj = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { access, refresh } = obj;
  if (typeof access !== 'string' || access === '')
    throw new InvalidResponseError('access', 'expected a token');
  if (refresh !== undefined && typeof refresh !== 'string')
    throw new InvalidResponseError('refresh', 'expected a token');
  if (needRefresh && refresh === undefined)
    throw new InvalidResponseError('refresh', 'expected a token');
  return { access, refresh: refresh ?? null, access_exp_ms: jwtExpiryMs(access) };
}
