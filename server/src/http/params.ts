/**
 * Validation of query-string and body values, each failing with the 400 message a client can act on.
 */
import type { IsoTime } from '../persistence/types';
import { toIsoTime } from '../persistence/iso-time';
import { badRequest } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a hyphenated UUID (any case). */
export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

/** One query value: undefined when absent, 400 when repeated (`?a=1&a=2`). */
export function queryValue(query: unknown, name: string): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be given once`);
  return v;
}

/** A required UUID (normalised to lower case): `<name> is required` when missing or empty. */
export function requiredUuid(value: unknown, name: string): string {
  if (value === undefined || value === null || value === '')
    throw badRequest(`${name} is required`);
  if (!isUuid(value)) throw badRequest(`${name} must be a valid UUID`);
  return value.toLowerCase();
}

/** A whole number in [min, max] from a query string; values above `cap` are lowered to it. */
export function intParam(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  cap = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined || value === '') return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw badRequest(`${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer`);
  return Math.min(n, cap);
}

/**
 * Parses an ISO 8601 timestamp (the store's rules: fractions optional, Z/±hh:mm/none = UTC) to the
 * canonical IsoTime, or undefined. A `+` that query decoding turned into a space
 * ("...T10:00:00 00:00") is read as the `+` it was.
 */
export function parseIsoTime(input: string): IsoTime | undefined {
  try {
    return toIsoTime(
      input.trim().replace(/(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/i, '$1+$2'),
    );
  } catch {
    return undefined;
  }
}
