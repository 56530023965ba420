/**
 * simplejwt-compatible token pairs: access + refresh HS256 JWTs (`token_type`, `exp`, `iat`, `jti`,
 * `user_id`), refresh rotation with blacklisting of the used refresh token (persisted in the data
 * database so neither a restart nor another instance revives it).
 */
import { randomUUID } from 'node:crypto';
import { TokenError, signJwt, verifyJwt } from './jwt';

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
      clock: () => number;
      revoked: TokenBlacklist;
    },
  ) {}

  private nowS(): number {
    return Math.floor(this.opts.clock() / 1000);
  }

  private token(username: string, type: 'access' | 'refresh', ttlS: number): string {
    const iat = this.nowS();
    return signJwt(
      {
        token_type: type,
        exp: iat + ttlS,
        iat,
        jti: randomUUID().replace(/-/g, ''),
        user_id: username,
      },
      this.opts.secret,
    );
  }

  /** A fresh pair for a signed-in user. */
  issue(username: string): TokenPair {
    return {
      access: this.token(username, 'access', this.opts.accessTtlS()),
      refresh: this.token(username, 'refresh', this.opts.refreshTtlS),
    };
  }

  private verify(
    token: string,
    type: 'access' | 'refresh',
  ): { username: string; jti: string; exp: number } {
    const claims = verifyJwt(token, this.opts.secret, this.nowS());
    if (claims.token_type !== type) throw new TokenError(`Token has wrong type: expected ${type}`);
    const { user_id, jti, exp } = claims;
    if (typeof user_id !== 'string' || typeof jti !== 'string')
      throw new TokenError('Token is missing user_id or jti');
    return { username: user_id, jti, exp: exp as number };
  }

  /** The username of a valid access token; throws TokenError otherwise. */
  verifyAccess(token: string): string {
    return this.verify(token, 'access').username;
  }

  /** The username of a valid, unused refresh token, which is blacklisted by this call (rotation). */
  async consumeRefresh(token: string): Promise<string> {
    const { username, jti, exp } = this.verify(token, 'refresh');
    // One atomic insert decides: of two instances given the same refresh token at once, one wins.
    if (!(await this.opts.revoked.add(jti, exp, this.nowS())))
      throw new TokenError('Token is blacklisted');
    return username;
  }
}
