/**
 * The opaque keyset cursor of the photo list (extension): base64url of `[updated_at, id]`.
 */
import type { PhotoCursor } from '../persistence/types';
import { badRequest } from './errors';
import { isUuid, parseIsoTime } from './params';

/** Encodes the position after `row`. */
export function encodeCursor(row: PhotoCursor): string {
  return Buffer.from(JSON.stringify([row.updated_at, row.id])).toString('base64url');
}

/** Decodes a cursor from a previous `next_cursor`; 400 "cursor is invalid" for anything else. */
export function decodeCursor(s: string): PhotoCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    isUuid(value[1])
  ) {
    const updated_at = parseIsoTime(value[0]);
    if (updated_at !== undefined) return { updated_at, id: value[1].toLowerCase() };
  }
  throw badRequest('cursor is invalid');
}
