/**
 * The photo types a terminal accepts: raster images only (JPEG, PNG, WebP, GIF, AVIF), recognised by the
 * listed `content_type` and by the bytes' magic number. Anything else (HTML, SVG, XML ...) could run as a
 * document in the app's origin when a photo URL is opened, so it is never stored nor served. Runtime-neutral.
 */

/** Bytes a type's magic number needs to be recognised (AVIF's `ftyp` box lists its brands here). */
export const MAGIC_BYTES = 64;

const ascii = (bytes: Uint8Array, at: number, text: string): boolean =>
  [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));

/** AVIF is an ISO BMFF file whose `ftyp` box names `avif` (still) or `avis` (sequence) as a brand. */
function isAvif(bytes: Uint8Array): boolean {
  if (!ascii(bytes, 4, 'ftyp')) return false;
  const boxEnd = Math.min(
    bytes.length,
    ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0,
  );
  // Major brand at 8, minor version at 12, compatible brands from 16 to the end of the box.
  for (let at = 8; at + 4 <= boxEnd; at += at === 8 ? 8 : 4) {
    if (ascii(bytes, at, 'avif') || ascii(bytes, at, 'avis')) return true;
  }
  return false;
}

/** Each allowed type and the test of its magic number. */
const MAGIC: Readonly<Record<string, (bytes: Uint8Array) => boolean>> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => ascii(b, 0, '\x89PNG\r\n\x1a\n'),
  'image/gif': (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'),
  'image/webp': (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'),
  'image/avif': isAvif,
};

/**
 * The canonical allowed type a `content_type` names (case and parameters ignored, e.g.
 * "IMAGE/JPEG; q=1" -> "image/jpeg"), or null when it is not an allowed raster type.
 */
export function allowedImageType(contentType: string): string | null {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return Object.hasOwn(MAGIC, type) ? type : null;
}

/** True when `head` (the first MAGIC_BYTES bytes or all of a shorter file) starts like an image of `type`. */
export function hasMagicOf(type: string, head: Uint8Array): boolean {
  const test = MAGIC[type];
  return test !== undefined && test(head);
}
