/**
 * What the bench's floor service worker (bench/floor-sw.ts) and the page driving it (bench/floor.ts)
 * exchange: one request per measured run, answered on the MessagePort sent with it. Types only, shared
 * by the worker's and the page's tsconfig.
 */

/**
 * What the worker does with every body: read it; + MD5 as the engine does; + a Blob of the chunks too;
 * + that Blob stored in IndexedDB, one Blob per photo, photos verified while a write runs written together
 * in the next transaction (as the engine's storage does); + stored packed, the same groups written as one
 * Blob with a small slice record per photo.
 */
export type FloorVariant = 'read' | 'md5' | 'blob' | 'store' | 'packed';

/** The variants in the order they add work. */
export const FLOOR_VARIANTS: readonly FloorVariant[] = ['read', 'md5', 'blob', 'store', 'packed'];

/** One photo to download: where, and what the listing says of it. */
export interface FloorPhoto {
  url: string;
  size: number;
  checksum: string;
  contentType: string;
}

/** One run: every photo once, `concurrency` fetches in flight. */
export interface FloorRequest {
  variant: FloorVariant;
  photos: FloorPhoto[];
  token: string;
  concurrency: number;
}

/** The worker's answer: its own clock around the download loop, bytes read, and what did not check out. */
export type FloorReply = { ms: number; bytes: number; mismatches: number } | { error: string };
