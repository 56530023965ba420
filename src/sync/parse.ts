/**
 * Validation of HO list responses: the reference's `{status, data}` wrapper or the flat shape upstream
 * sends, extra fields ignored. A bad page throws InvalidResponseError; a bad row is reported on its own
 * (naming the field) so it never becomes a stored photo, and the rest of the page still counts.
 */
import { InvalidResponseError } from '../shared/errors';
import type { IsoTime, PhotoMeta } from '../shared/types';
import { parseTimestamp, toIso } from './timestamps';

/** One validated list page. Extension fields are null when the server does not send them. */
export interface ListPage {
  photos: PhotoMeta[];
  /** Rows that failed validation; `id` is kept when it was itself valid. */
  invalid: { id: string | null; error: InvalidResponseError }[];
  /** Id of every row in order (null where the id itself is invalid), for shift detection. */
  ids: (string | null)[];
  total: number;
  hasMore: boolean;
  nextOffset: number | null;
  nextCursor: string | null;
  deletedIds: string[] | null;
  syncTimestamp: IsoTime | null;
  /** The store the page is for, as the deployed upstream's flat answer names it; null when not sent. */
  store: { id: string; name: string } | null;
}

type Json = Record<string, unknown>;

const PHOTO_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;
const STRING_FIELDS = [
  'product_id',
  'product_sku',
  'product_name',
  'object_key',
  'filename',
  'content_type',
] as const;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, message: string): never {
  throw new InvalidResponseError(field, message);
}

function integer(obj: Json, key: string, field: string, min: number): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    fail(field, `expected an integer >= ${min}`);
  return v;
}

function timestamp(v: unknown, field: string): IsoTime {
  const ms = typeof v === 'string' ? parseTimestamp(v) : null;
  if (ms === null) fail(field, 'expected an ISO 8601 timestamp');
  return toIso(ms);
}

/** True when `id` is a photo id the engine can put into a URL path and a database key. */
export function isPhotoId(id: unknown): id is string {
  return typeof id === 'string' && PHOTO_ID.test(id);
}

/** Validates one photo row; throws InvalidResponseError naming the field (prefixed by `at`). */
export function parsePhoto(row: unknown, at: string): PhotoMeta {
  if (!isObject(row)) fail(at, 'expected an object');
  if (!isPhotoId(row.id)) fail(`${at}.id`, 'expected a photo id');
  if (typeof row.checksum !== 'string' || !MD5_HEX.test(row.checksum))
    fail(`${at}.checksum`, 'expected 32 hex digits');
  const strings = {} as Record<(typeof STRING_FIELDS)[number], string>;
  for (const key of STRING_FIELDS) {
    const v = row[key];
    if (typeof v !== 'string') fail(`${at}.${key}`, 'expected a string');
    strings[key] = v;
  }
  if (typeof row.is_primary !== 'boolean') fail(`${at}.is_primary`, 'expected a boolean');
  const imageUrl = row.image_url ?? null;
  if (imageUrl !== null && typeof imageUrl !== 'string')
    fail(`${at}.image_url`, 'expected a string or null');
  return {
    id: row.id,
    ...strings,
    size: integer(row, 'size', `${at}.size`, 0),
    checksum: row.checksum.toLowerCase(),
    version: integer(row, 'version', `${at}.version`, 0),
    is_primary: row.is_primary,
    sort_order: integer(row, 'sort_order', `${at}.sort_order`, Number.MIN_SAFE_INTEGER),
    updated_at: timestamp(row.updated_at, `${at}.updated_at`),
    image_url: imageUrl,
  };
}

/** `store: {id, name}` of a flat answer when both are usable strings; anything else is ignored (optional field). */
function storeOf(v: unknown): ListPage['store'] {
  if (!isObject(v) || typeof v.id !== 'string' || typeof v.name !== 'string') return null;
  const name = v.name.trim();
  return name === '' || name.length > 200 ? null : { id: v.id, name };
}

/** Validates a list response body (already JSON-decoded). */
export function parseListPage(body: unknown): ListPage {
  const data = isObject(body) && isObject(body.data) ? body.data : body;
  if (!isObject(data)) fail('data', 'expected an object');
  if (!Array.isArray(data.photos)) fail('photos', 'expected an array');
  if (typeof data.has_more !== 'boolean') fail('has_more', 'expected a boolean');
  const photos: PhotoMeta[] = [];
  const invalid: ListPage['invalid'] = [];
  const ids = data.photos.map((row: unknown) =>
    isObject(row) && isPhotoId(row.id) ? row.id : null,
  );
  data.photos.forEach((row: unknown, i) => {
    try {
      photos.push(parsePhoto(row, `photos[${i}]`));
    } catch (err) {
      if (!(err instanceof InvalidResponseError)) throw err;
      invalid.push({ id: ids[i] ?? null, error: err });
    }
  });
  const nextOffset = data.next_offset ?? null;
  if (nextOffset !== null) integer(data, 'next_offset', 'next_offset', 0);
  const nextCursor = data.next_cursor ?? null;
  if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor === ''))
    fail('next_cursor', 'expected a string or null');
  const deleted = data.deleted_ids ?? null;
  if (deleted !== null && !(Array.isArray(deleted) && deleted.every(isPhotoId)))
    fail('deleted_ids', 'expected an array of photo ids');
  const syncTs = data.sync_timestamp ?? null;
  return {
    photos,
    invalid,
    ids,
    total: integer(data, 'total', 'total', 0),
    hasMore: data.has_more,
    nextOffset: nextOffset as number | null,
    nextCursor: nextCursor as string | null,
    deletedIds: deleted as string[] | null,
    syncTimestamp: syncTs === null ? null : timestamp(syncTs, 'sync_timestamp'),
    store: storeOf(data.store),
  };
}
