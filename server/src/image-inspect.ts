/**
 * Structural check of an uploaded image: the container is walked (JPEG markers, PNG chunks with the
 * IHDR CRC, GIF blocks, WebP RIFF chunks) and the pixel dimensions read, so a file that only starts
 * with the right magic number, is truncated before its image data, or claims a decompression-bomb
 * size is refused before it is stored and handed to every terminal.
 */
import { crc32 } from 'node:zlib';
import { InvalidInputError } from './persistence/errors';

/** What an accepted image is. */
export interface ImageInfo {
  type: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
  ext: string;
  width: number;
  height: number;
}

/** Largest accepted image in pixels (a terminal decodes every photo it shows). */
export const MAX_PIXELS = 100_000_000;

/** Why the bytes are not an acceptable image; the message names the format and the problem. */
function bad(what: string): never {
  throw new InvalidInputError(`Not a valid image: ${what}`);
}

function jpeg(b: Buffer): [number, number] {
  let pos = 2;
  let size: [number, number] | undefined;
  while (pos + 4 <= b.length) {
    if (b[pos] !== 0xff) bad('JPEG marker expected');
    const marker = b[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9) break;
    const length = b.readUInt16BE(pos + 2);
    if (length < 2 || pos + 2 + length > b.length) bad('JPEG segment runs past the end');
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) {
      if (length < 8) bad('JPEG frame header is too short');
      size = [b.readUInt16BE(pos + 7), b.readUInt16BE(pos + 5)];
    }
    if (marker === 0xda) {
      if (!size) bad('JPEG scan before its frame header');
      return size;
    }
    pos += 2 + length;
  }
  return bad('JPEG has no image data');
}

function png(b: Buffer): [number, number] {
  if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR' || b.readUInt32BE(8) !== 13)
    bad('PNG does not start with its IHDR chunk');
  if (crc32(b.subarray(12, 29)) !== b.readUInt32BE(29)) bad('PNG header checksum is wrong');
  let pos = 33;
  let hasData = false;
  while (pos + 12 <= b.length) {
    const length = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + length > b.length) bad(`PNG chunk ${type} runs past the end`);
    if (type === 'IDAT') hasData = true;
    if (type === 'IEND') {
      if (!hasData) break;
      return [b.readUInt32BE(16), b.readUInt32BE(20)];
    }
    pos += 12 + length;
  }
  return bad('PNG has no image data or no end chunk');
}

/** Skips GIF data sub-blocks (length byte, data) up to the zero terminator; returns the next position. */
function gifSubBlocks(b: Buffer, start: number): number {
  let pos = start;
  while (pos < b.length && b[pos] !== 0) pos += 1 + b[pos]!;
  if (pos >= b.length) bad('GIF block runs past the end');
  return pos + 1;
}

function gif(b: Buffer): [number, number] {
  if (b.length < 13) bad('GIF header is truncated');
  const colorTable = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  let pos = 13 + colorTable(b[10]!);
  while (pos < b.length) {
    const block = b[pos]!;
    if (block === 0x2c) {
      if (pos + 11 > b.length) bad('GIF image descriptor is truncated');
      // descriptor (10 bytes), local colour table, LZW code size byte, then the image data.
      gifSubBlocks(b, pos + 10 + colorTable(b[pos + 9]!) + 1);
      return [b.readUInt16LE(6), b.readUInt16LE(8)];
    }
    if (block === 0x21) pos = gifSubBlocks(b, pos + 2);
    else break;
  }
  return bad('GIF has no image');
}

function webp(b: Buffer): [number, number] {
  if (b.length < 30 || b.readUInt32LE(4) + 8 > b.length) bad('WebP RIFF size runs past the end');
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    if (b.readUIntBE(23, 3) !== 0x9d012a) bad('WebP VP8 start code is missing');
    return [b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff];
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) bad('WebP VP8L signature is missing');
    const bits = b.readUInt32LE(21);
    return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
  }
  if (chunk === 'VP8X') return [b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1];
  return bad(`WebP chunk ${JSON.stringify(chunk)} is not an image`);
}

const FORMATS: {
  type: ImageInfo['type'];
  ext: string;
  magic: (b: Buffer) => boolean;
  size: (b: Buffer) => [number, number];
}[] = [
  { type: 'image/jpeg', ext: '.jpg', magic: (b) => b.readUIntBE(0, 3) === 0xffd8ff, size: jpeg },
  {
    type: 'image/png',
    ext: '.png',
    magic: (b) => b.readBigUInt64BE(0) === 0x89504e470d0a1a0an,
    size: png,
  },
  {
    type: 'image/gif',
    ext: '.gif',
    magic: (b) => /^GIF8[79]a/.test(b.toString('latin1', 0, 6)),
    size: gif,
  },
  {
    type: 'image/webp',
    ext: '.webp',
    magic: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
    size: webp,
  },
];

/**
 * The type and dimensions of a JPEG, PNG, GIF or WebP image; InvalidInputError (400) for anything
 * else, for a malformed or truncated container, and for zero or over-large dimensions.
 */
export function inspectImage(bytes: Buffer): ImageInfo {
  const format = bytes.length >= 12 ? FORMATS.find((f) => f.magic(bytes)) : undefined;
  if (!format) throw new InvalidInputError('Not a JPEG, PNG, GIF or WebP image');
  const [width, height] = format.size(bytes);
  if (width < 1 || height < 1) bad(`${format.ext.slice(1).toUpperCase()} has no pixels`);
  if (width * height > MAX_PIXELS)
    bad(`${width}x${height} pixels is more than the ${MAX_PIXELS / 1e6} megapixels allowed`);
  return { type: format.type, ext: format.ext, width, height };
}
