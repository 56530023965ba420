/**
 * Minimal HS256 JSON Web Tokens with node:crypto: exactly one accepted algorithm, constant-time
 * signature check, mandatory numeric `exp`. Anything else throws TokenError with a clear reason.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a token was rejected; the HTTP layer answers 401 with this message. */
export class TokenError extends Error {
  override name = 'TokenError';
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const B64URL = /^[A-Za-z0-9_-]+$/;

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

/** Signs `claims` as a compact HS256 JWT. */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign(body, secret).toString('base64url')}`;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError(`Token is malformed: ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TokenError(`Token is malformed: ${what} is not an object`);
  return value as Record<string, unknown>;
}

/** Verifies signature, algorithm and expiry (`nowS` in seconds) and returns the claims. */
export function verifyJwt(token: string, secret: string, nowS: number): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p)))
    throw new TokenError('Token is malformed');
  const [headerPart, payloadPart, sigPart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  if (header.alg !== 'HS256')
    throw new TokenError(`Token algorithm ${JSON.stringify(header.alg ?? null)} is not allowed`);
  if (header.typ !== undefined && header.typ !== 'JWT')
    throw new TokenError('Token type header is not JWT');
  const expected = sign(`${headerPart}.${payloadPart}`, secret);
  const actual = Buffer.from(sigPart, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new TokenError('Token signature is invalid');
  const claims = decodeJson(payloadPart, 'payload');
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
    throw new TokenError('Token has no expiry');
  if (claims.exp <= nowS) throw new TokenError('Token is expired');
  return claims;
}
