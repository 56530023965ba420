/**
 * simplejwt-compatible token pairs: access + refresh HS256 JWTs (`token_type`, `exp`, `iat`, `jti`,
 * `user_id`), refresh rotation with blacklisting of the used refresh token (persisted in the data
 * database so neither a restart nor another instance revives it).
 */
import { randomUUID } from 'node:crypto';
import { TokenError, signJwt, verifyJwt } from './jwt';

/** What a token says about its session, checked against the user on every use. */
export interface TokenSession {
  username: string;
  /** The user's token generation when the session began; a newer one on the user revokes it. */
  generation: number;
  /** When the password sign-in that began the session happened (epoch s); rotation keeps it. */
  authTimeS: number;
}

/** The pair returned by POST /api/token/ and /api/token/refresh/. */
export interface TokenPair {
  access: string;
  refresh: string;
}

/** Blacklisted refresh-token ids, kept until their own expiry, shared by every instance. */
export interface TokenBlacklist {
  /** Revokes a token id until `expS` (dropping entries expired before `nowS`); false when it already was revoked. */
  add(jti: string, expS: number, nowS: number): Promise<boolean>;
}

/** Issues, rotates and verifies tokens; `clock` is in milliseconds. */
export class TokenService {
  constructor(
    private readonly opts: {
      secret: string;
      /** Current access lifetime (seconds); a function so a fault can shorten it at runtime. */
      accessTtlS: () => number;
      refreshTtlS: number;
      /** Absolute session lifetime from the password sign-in; refresh rotation cannot extend it. */
      sessionMaxS: number;
      clock: () => number;
      revoked: TokenBlacklist;
    },
  ) {}

  private nowS(): number {
    return Math.floor(this.opts.clock() / 1000);
  }

  private token(session: TokenSession, type: 'access' | 'refresh', ttlS: number): string {
    const iat = this.nowS();
    return signJwt(
      {
        token_type: type,
        exp: Math.min(iat + ttlS, session.authTimeS + this.opts.sessionMaxS),
        iat,
        jti: randomUUID().replace(/-/g, ''),
        user_id: session.username,
        gen: session.generation,
        auth_time: session.authTimeS,
      },
      this.opts.secret,
    );
  }

  /** A fresh pair for a user who just gave their password (`generation`: theirs now). */
  issue(username: string, generation: number): TokenPair {
    return this.pair({ username, generation, authTimeS: this.nowS() });
  }

  private pair(session: TokenSession): TokenPair {
    return {
      access: this.token(session, 'access', this.opts.accessTtlS()),
      refresh: this.token(session, 'refresh', this.opts.refreshTtlS),
    };
  }

  private verify(
    token: string,
    type: 'access' | 'refresh',
  ): TokenSession & { jti: string; exp: number } {
    const claims = verifyJwt(token, this.opts.secret, this.nowS());
    if (claims.token_type !== type) throw new TokenError(`Token has wrong type: expected ${type}`);
    const { user_id, jti, exp, gen, auth_time, iat } = claims;
    if (typeof user_id !== 'string' || typeof jti !== 'string')
      throw new TokenError('Token is missing user_id or jti');
    // Tokens from before generations existed count as generation 0, their session as begun at iat.
    const authTimeS =
      typeof auth_time === 'number' ? auth_time : typeof iat === 'number' ? iat : this.nowS();
    if (authTimeS + this.opts.sessionMaxS <= this.nowS())
      throw new TokenError('Session has expired; sign in again');
    return {
      username: user_id,
      generation: typeof gen === 'number' ? gen : 0,
      authTimeS,
      jti,
      exp: exp as number,
    };
  }

  /** The session of a valid access token; throws TokenError otherwise. */
  verifyAccess(token: string): TokenSession {
    return this.verify(token, 'access');
  }

  /** Blacklists a valid refresh token (sign-out); a token already blacklisted is refused. */
  async revoke(token: string): Promise<void> {
    await this.consumeRefresh(token);
  }

  /** A new pair in the same session (same generation and sign-in time, so the same absolute end). */
  rotate(session: TokenSession): TokenPair {
    return this.pair(session);
  }

  /** The session of a valid, unused refresh token, which is blacklisted by this call (rotation). */
  async consumeRefresh(token: string): Promise<TokenSession> {
    const { jti, exp, ...session } = this.verify(token, 'refresh');
    // One atomic insert decides: of two instances given the same refresh token at once, one wins.
    if (!(await this.opts.revoked.add(jti, exp, this.nowS())))
      throw new TokenError('Token is blacklisted');
    return session;
  }
}
