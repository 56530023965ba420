/**
 * Rendered demo tiles, cached: jpeg-js takes ~0.1 s of CPU per 400 px tile (seconds on a busy machine),
 * and every fresh data dir (each e2e test starts its own HO) seeds the same ~60 tiles. Kept for this
 * process and, best effort, under `node_modules/.cache/pps-demo-tiles/` (the usual home of build caches,
 * private to the checkout). The key is a hash of the tile spec and of the renderer's own source and
 * jpeg-js version, so a change to the drawing code never serves an old picture.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTileJpeg, type TileSpec } from './tile-jpeg';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where tiles are kept between processes. */
export const TILE_CACHE_DIR = join(
  HERE,
  '..',
  '..',
  '..',
  'node_modules',
  '.cache',
  'pps-demo-tiles',
);

/** What makes a tile: the renderer's source and encoder version (read once). */
let rendererHash: string | undefined;
function renderer(): string {
  if (rendererHash === undefined) {
    const hash = createHash('sha256');
    for (const file of ['tile-jpeg.ts', 'bitmap-font.ts'])
      hash.update(readFileSync(join(HERE, file)));
    hash.update(createRequire(import.meta.url)('jpeg-js/package.json').version as string);
    rendererHash = hash.digest('hex');
  }
  return rendererHash;
}

const memo = new Map<string, Buffer>();

/** A whole baseline JPEG: starts with SOI and ends with EOI (a torn cache file does not). */
function wholeJpeg(bytes: Buffer): boolean {
  return (
    bytes.length > 4 &&
    bytes[0] === 0xff &&
    bytes[1] === 0xd8 &&
    bytes.at(-2) === 0xff &&
    bytes.at(-1) === 0xd9
  );
}

/** `renderTileJpeg(spec)`, from the cache when this exact tile was rendered before. */
export function cachedTileJpeg(spec: TileSpec): Buffer {
  const key = createHash('sha256').update(renderer()).update(JSON.stringify(spec)).digest('hex');
  const known = memo.get(key);
  if (known !== undefined) return known;
  const file = join(TILE_CACHE_DIR, `${key}.jpg`);
  let bytes: Buffer | undefined;
  try {
    const stored = readFileSync(file);
    if (wholeJpeg(stored)) bytes = stored;
  } catch {
    // Not cached yet (or unreadable): render it.
  }
  if (bytes === undefined) {
    bytes = renderTileJpeg(spec);
    try {
      mkdirSync(TILE_CACHE_DIR, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    } catch {
      // A read-only checkout only loses the cache, never the tile.
    }
  }
  memo.set(key, bytes);
  return bytes;
}
