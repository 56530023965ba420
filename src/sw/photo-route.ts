/**
 * Serves photos to `<img>` at `${scope}photos/<photo_id>` from local storage only (works with the HO
 * unreachable), with the stored raster type; a photo not held (yet) gets an SVG placeholder (a picture, no words). Every
 * answer is locked down so that opening a photo URL as a page can never run anything in the app's origin.
 */
import { allowedImageType } from '../shared/image-types';
import { PHOTO_PATH, PLACEHOLDER_HEADER } from '../shared/messages';
import type { StoredPhoto } from '../shared/types';

/** Reads one held photo's verified bytes (the storage module's serving read: null or undefined when not held). */
export type ReadPhoto = (
  id: string,
) => Promise<{ record: StoredPhoto; blob: Blob } | null | undefined>;

/** A picture without words: the worker has no language, and the page that shows it says what it means. */
const PLACEHOLDER_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">
<rect width="400" height="400" fill="#e6eeee"/>
<g fill="none" stroke="#7c9494" stroke-width="10" stroke-linejoin="round">
<rect x="120" y="120" width="160" height="120" rx="12"/><path d="M130 230l50-50 40 40 25-25 35 35"/></g>
<circle cx="245" cy="155" r="12" fill="#7c9494"/>
</svg>`;

/**
 * Headers of every photo answer: no type sniffing, no script, plugin, frame or fetch even when opened as a
 * document (a sandboxed, opaque origin), and not embeddable by other origins.
 */
export const PHOTO_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The photo id of a photo URL under `scope`, or null when `url` is not one. */
export function photoIdOf(url: URL, scope: URL): string | null {
  if (url.origin !== scope.origin) return null;
  const prefix = `${scope.pathname}${PHOTO_PATH}`;
  if (!url.pathname.startsWith(prefix)) return null;
  const id = decodeURIComponent(url.pathname.slice(prefix.length));
  return id !== '' && !id.includes('/') ? id : null;
}

/**
 * The response for one photo: its verified bytes, or the placeholder (never a network request). A record
 * whose type is not an allowed raster type (none should exist) is not served.
 */
export async function servePhoto(read: ReadPhoto, id: string): Promise<Response> {
  const found = await read(id);
  const type = found == null ? null : allowedImageType(found.record.content_type);
  if (found == null || type === null) {
    return new Response(PLACEHOLDER_SVG, {
      headers: {
        ...PHOTO_SECURITY_HEADERS,
        'Content-Type': 'image/svg+xml',
        'Cache-Control': 'no-store',
        [PLACEHOLDER_HEADER]: '1',
      },
    });
  }
  return new Response(found.blob, {
    headers: {
      ...PHOTO_SECURITY_HEADERS,
      'Content-Type': type,
      'Content-Length': String(found.blob.size),
      'Cache-Control': 'no-cache',
      ETag: `"${found.record.checksum}"`,
    },
  });
}
