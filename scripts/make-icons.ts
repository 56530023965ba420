/**
 * Draws the app icon (a photo card with a sync badge on the theme colour) into public/ as PNGs.
 * Run once with `node --import tsx scripts/make-icons.ts`; the outputs are committed, not built.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];
/** A shape in unit icon coordinates (0..1, y down). */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  readonly colour: Rgba;
  readonly shape: Shape;
}
interface IconSpec {
  readonly file: string;
  readonly size: number;
  /** Maskable/apple icons fill the whole square; the OS applies its own mask. */
  readonly fullBleed: boolean;
  /** Scale of the glyph around the centre; maskable icons keep it inside the 80% safe zone. */
  readonly glyphScale: number;
}

const THEME: Rgba = [15, 118, 110, 255]; // #0f766e, the manifest theme_color
const WHITE: Rgba = [255, 255, 255, 255];
const SKY: Rgba = [204, 251, 241, 255];
const SUN: Rgba = [245, 158, 11, 255];
const SUPERSAMPLE = 4;

const roundedRect =
  (x0: number, y0: number, x1: number, y1: number, r: number): Shape =>
  (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };

const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** Triangle with vertices a, b, c (any winding). */
const triangle =
  (
    a: readonly [number, number],
    b: readonly [number, number],
    c: readonly [number, number],
  ): Shape =>
  (x, y) => {
    const side = (p: readonly [number, number], q: readonly [number, number]) =>
      (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
    const s1 = side(a, b);
    const s2 = side(b, c);
    const s3 = side(c, a);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };

const intersect =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.every((shape) => shape(x, y));

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));

/** Two circular arrows around (cx, cy): the universal "sync" sign. */
function syncArrows(cx: number, cy: number, radius: number, thickness: number): Shape {
  const inner = radius - thickness / 2;
  const outer = radius + thickness / 2;
  const gap = 0.5; // radians left open before each arrowhead
  const ring: Shape = (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (d < inner || d > outer) return false;
    const angle = Math.atan2(y - cy, x - cx); // -pi..pi, 0 = east, clockwise on screen
    const fromEast = Math.abs(angle);
    return fromEast > gap && Math.PI - fromEast > gap;
  };
  // Arrowheads at the clockwise end of each arc, pointing clockwise (east end points down, west end points up).
  const head = (sign: 1 | -1): Shape => {
    const baseAngle = sign === 1 ? -gap : Math.PI - gap;
    const bx = cx + radius * Math.cos(baseAngle);
    const by = cy + radius * Math.sin(baseAngle);
    const nx = Math.cos(baseAngle);
    const ny = Math.sin(baseAngle);
    const tx = -ny; // clockwise tangent
    const ty = nx;
    const half = thickness * 1.2;
    const length = thickness * 1.6;
    return triangle(
      [bx + nx * half, by + ny * half],
      [bx - nx * half, by - ny * half],
      [bx + tx * length, by + ty * length],
    );
  };
  return union(ring, head(1), head(-1));
}

function layers(fullBleed: boolean): Layer[] {
  const card = roundedRect(0.16, 0.22, 0.68, 0.66, 0.05);
  const picture = roundedRect(0.2, 0.26, 0.64, 0.62, 0.025);
  return [
    { colour: THEME, shape: fullBleed ? () => true : roundedRect(0, 0, 1, 1, 0.22) },
    { colour: WHITE, shape: card },
    { colour: SKY, shape: picture },
    { colour: SUN, shape: intersect(picture, circle(0.53, 0.36, 0.045)) },
    {
      colour: THEME,
      shape: intersect(
        picture,
        union(
          triangle([0.2, 0.62], [0.34, 0.4], [0.5, 0.62]),
          triangle([0.36, 0.62], [0.5, 0.46], [0.66, 0.62]),
        ),
      ),
    },
    { colour: THEME, shape: circle(0.68, 0.68, 0.19) },
    { colour: WHITE, shape: circle(0.68, 0.68, 0.16) },
    { colour: THEME, shape: syncArrows(0.68, 0.68, 0.095, 0.028) },
  ];
}

/** Renders the icon as straight RGBA with supersampled edges. */
function render(spec: IconSpec): Uint8Array {
  const { size, glyphScale } = spec;
  const stack = layers(spec.fullBleed);
  const [background, ...glyph] = stack;
  const pixels = new Uint8Array(size * size * 4);
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
          const gx = 0.5 + (x - 0.5) / glyphScale;
          const gy = 0.5 + (y - 0.5) / glyphScale;
          let colour: Rgba | undefined = background?.shape(x, y) ? background.colour : undefined;
          if (colour) {
            for (const layer of glyph) if (layer.shape(gx, gy)) colour = layer.colour;
          }
          if (!colour) continue;
          // Premultiply while accumulating so transparent samples do not darken edges.
          const alpha = colour[3] / 255;
          sum[0]! += colour[0] * alpha;
          sum[1]! += colour[1] * alpha;
          sum[2]! += colour[2] * alpha;
          sum[3]! += colour[3];
        }
      }
      const offset = (py * size + px) * 4;
      const alpha = sum[3]! / samples;
      const unpremultiply = alpha > 0 ? 255 / alpha / samples : 0;
      pixels[offset] = Math.round(sum[0]! * unpremultiply);
      pixels[offset + 1] = Math.round(sum[1]! * unpremultiply);
      pixels[offset + 2] = Math.round(sum[2]! * unpremultiply);
      pixels[offset + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes square RGBA pixels as an 8-bit truecolour-with-alpha PNG. */
function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  // compression, filter and interlace stay 0
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let row = 0; row < size; row++) {
    // Filter type 0 (none) per scanline; zlib does the compressing.
    raw.set(rgba.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const ICONS: readonly IconSpec[] = [
  { file: 'icons/icon-192.png', size: 192, fullBleed: false, glyphScale: 1 },
  { file: 'icons/icon-512.png', size: 512, fullBleed: false, glyphScale: 1 },
  { file: 'icons/maskable-512.png', size: 512, fullBleed: true, glyphScale: 0.78 },
  { file: 'apple-touch-icon.png', size: 180, fullBleed: true, glyphScale: 0.9 },
  { file: 'favicon.png', size: 64, fullBleed: false, glyphScale: 1 },
];

const publicDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'public');
for (const spec of ICONS) {
  const target = resolve(publicDir, spec.file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, encodePng(spec.size, render(spec)));
  console.log(`wrote ${target}`);
}
