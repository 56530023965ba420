/**
 * Renders demo product tiles as real baseline JPEGs (jpeg-js, pure JS): a per-product colour,
 * a simple shape that differs per product and per photo, the product name and SKU in a bitmap font.
 */
import jpeg from 'jpeg-js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph, textWidth } from './bitmap-font';

/** What to draw on one tile. */
export interface TileSpec {
  /** Product name, wrapped onto at most two lines. */
  title: string;
  /** Second line under the title, e.g. "SKU 05018970". */
  subtitle: string;
  /** Small text at the top, e.g. the brand. */
  caption: string;
  /** Small text at the top right, e.g. "2/3" for the second photo of three. */
  badge?: string;
  /** Picks colour and shape; the same seed always gives the same tile. */
  seed: number;
  /** Which photo of the product: changes the shape and its placement. */
  variant?: number;
  /** Edge length in pixels (tiles are square). */
  size?: number;
  /** Amplitude of a deterministic film-grain texture (0 = flat colours, small files). */
  grain?: number;
  /** JPEG quality 1-100. */
  quality?: number;
}

type Rgb = readonly [number, number, number];
type Inside = (x: number, y: number) => boolean;

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [24, 24, 28];

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) =>
    Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
  return [f(0), f(8), f(4)];
}

/** xorshift32: a tiny deterministic PRNG, so tiles are identical on every run. */
export function prng(seed: number): () => number {
  // murmur3's finaliser first, so neighbouring seeds start far apart (raw xorshift would not).
  let x = Math.imul((seed ^ (seed >>> 16)) >>> 0, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x = (x ^ (x >>> 16)) >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** An RGBA raster with just the drawing operations tiles need. */
class Raster {
  readonly data: Buffer;
  constructor(readonly size: number) {
    this.data = Buffer.alloc(size * size * 4, 255);
  }

  /** Blends `color` at `alpha` into every pixel of the box that `inside` accepts. */
  fill(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    color: Rgb,
    alpha = 1,
    inside?: Inside,
  ): void {
    const xa = Math.max(0, Math.floor(x0));
    const xb = Math.min(this.size, Math.ceil(x1));
    const yb = Math.min(this.size, Math.ceil(y1));
    const d = this.data;
    for (let y = Math.max(0, Math.floor(y0)); y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        if (inside && !inside(x + 0.5, y + 0.5)) continue;
        const i = (y * this.size + x) * 4;
        d[i] = d[i]! + (color[0] - d[i]!) * alpha;
        d[i + 1] = d[i + 1]! + (color[1] - d[i + 1]!) * alpha;
        d[i + 2] = d[i + 2]! + (color[2] - d[i + 2]!) * alpha;
      }
    }
  }

  /** Fills one of SHAPES, visiting only its bounding box. */
  shape(kind: Shape, cx: number, cy: number, radius: number, color: Rgb, alpha = 1): void {
    this.fill(
      cx - radius,
      cy - radius,
      cx + radius + 1,
      cy + radius + 1,
      color,
      alpha,
      kind(cx, cy, radius),
    );
  }

  /** Draws `text` with its top-left corner at (x, y), `scale` pixels per font pixel. */
  text(text: string, x: number, y: number, scale: number, color: Rgb): void {
    for (let i = 0; i < text.length; i++) {
      const rows = glyph(text[i]!);
      for (let gy = 0; gy < rows.length; gy++) {
        for (let gx = 0; gx < rows[gy]!.length; gx++) {
          if (!rows[gy]![gx]) continue;
          const px = x + (i * (GLYPH_WIDTH + 1) + gx) * scale;
          this.fill(px, y + gy * scale, px + scale, y + (gy + 1) * scale, color);
        }
      }
    }
  }

  /** Adds deterministic noise of ±amplitude to every channel. */
  grain(amplitude: number, seed: number): void {
    const rand = prng(seed);
    for (let i = 0; i < this.data.length; i += 4) {
      const n = Math.round((rand() * 2 - 1) * amplitude);
      for (let c = 0; c < 3; c++)
        this.data[i + c] = Math.max(0, Math.min(255, this.data[i + c]! + n));
    }
  }
}

/** A shape outline centred on (cx, cy) with radius r, inside its bounding box. */
type Shape = (cx: number, cy: number, r: number) => Inside;
const SHAPES: readonly Shape[] = [
  (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r,
  (cx, cy, r) => (x, y) => Math.abs(x - cx) + Math.abs(y - cy) <= r,
  (cx, cy, r) => (x, y) => Math.max(Math.abs(x - cx), Math.abs(y - cy)) <= r * 0.8,
  (cx, cy, r) => (x, y) =>
    y <= cy + r * 0.7 && y >= cy - r && Math.abs(x - cx) <= ((y - (cy - r)) / (1.7 * r)) * r,
  (cx, cy, r) => (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    return d <= r && d >= r * 0.55;
  },
];

/** Splits `text` into at most `maxLines` lines of words, each at most `maxChars` long (the last may be cut). */
function wrap(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const word of text.toUpperCase().split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= maxChars)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length > maxLines)
    lines.splice(maxLines - 1, lines.length, lines.slice(maxLines - 1).join(' '));
  return lines.map((l) => (l.length > maxChars ? `${l.slice(0, maxChars - 1)}.` : l));
}

/** Renders one tile as JPEG bytes. */
export function renderTileJpeg(spec: TileSpec): Buffer {
  const size = spec.size ?? 480;
  const variant = spec.variant ?? 0;
  const rand = prng(spec.seed * 7919 + variant * 104729 + 1);
  const hue = (spec.seed * 137.508) % 360;
  const base = hsl(hue, 0.55, 0.5);
  const r = new Raster(size);
  // Background: light at the top, the product colour at the bottom.
  for (let y = 0; y < size; y++) r.fill(0, y, size, y + 1, hsl(hue, 0.5, 0.82 - (0.3 * y) / size));

  // Shapes come from their own random draw, so products with near hues (the golden-angle hue walk
  // comes back round) still look different.
  const pick = prng(spec.seed * 31 + 7);
  const shape = SHAPES[(Math.floor(pick() * SHAPES.length) + variant * 2) % SHAPES.length]!;
  const cx = size * (0.5 + (variant === 0 ? 0 : (rand() - 0.5) * 0.3));
  const cy = size * 0.36;
  r.shape(shape, cx, cy, size * 0.22, hsl((hue + 180) % 360, 0.45, 0.7), 0.9);
  const accent = SHAPES[(Math.floor(pick() * SHAPES.length) + variant) % SHAPES.length]!;
  r.shape(accent, cx + size * 0.09, cy - size * 0.07, size * 0.1, base);

  const unit = Math.max(1, Math.floor(size / 160));
  r.fill(0, 0, size, (GLYPH_HEIGHT + 4) * unit, INK, 0.35);
  r.text(spec.caption.toUpperCase(), 2 * unit, 2 * unit, unit, WHITE);
  if (spec.badge)
    r.text(spec.badge, size - 2 * unit - textWidth(spec.badge, unit), 2 * unit, unit, WHITE);

  const margin = size * 0.05;
  const titleScale = Math.max(1, Math.floor(size / 110));
  const maxChars = Math.max(4, Math.floor((size - 2 * margin) / (6 * titleScale)));
  const lines = wrap(spec.title, maxChars, 2);
  const lineH = (GLYPH_HEIGHT + 3) * titleScale;
  const bandTop = size - margin - lines.length * lineH - (GLYPH_HEIGHT + 4) * unit - margin * 0.5;
  r.fill(0, bandTop - margin * 0.5, size, size, INK, 0.7);
  for (const [i, line] of lines.entries()) {
    r.text(
      line,
      ((size - textWidth(line, titleScale)) / 2) | 0,
      bandTop + i * lineH,
      titleScale,
      WHITE,
    );
  }
  const sub = spec.subtitle.toUpperCase();
  r.text(
    sub,
    ((size - textWidth(sub, unit)) / 2) | 0,
    size - margin - GLYPH_HEIGHT * unit,
    unit,
    hsl(hue, 0.7, 0.8),
  );

  if (spec.grain) r.grain(spec.grain, spec.seed ^ (variant << 16));
  return jpeg.encode({ width: size, height: size, data: r.data }, spec.quality ?? 85).data;
}

/** Returns a copy of a JPEG with a COM (comment) segment right after SOI; decoders ignore it, so the image stays valid and identical. */
export function withJpegComment(jpegBytes: Buffer, text: string): Buffer {
  if (jpegBytes[0] !== 0xff || jpegBytes[1] !== 0xd8)
    throw new Error('Not a JPEG: missing SOI marker');
  const body = Buffer.from(text, 'utf8');
  if (body.length > 0xfffd) throw new Error('JPEG comment longer than one COM segment');
  const header = Buffer.from([0xff, 0xfe, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  return Buffer.concat([jpegBytes.subarray(0, 2), header, body, jpegBytes.subarray(2)]);
}
