/** Only raster images are held: the listed type and the verified bytes' magic number must both be one. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedImageType, hasMagicOf, MAGIC_BYTES } from '../../src/shared/image-types';
import { jpegFor } from './fakes/fake-ho';
import { world } from './fakes/world';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );

/** ISO BMFF `ftyp` box of `size` bytes with a major brand and compatible brands. */
const ftyp = (major: string, ...compatible: string[]): Uint8Array =>
  bytes([0, 0, 0, 16 + 4 * compatible.length], 'ftyp', major, [0, 0, 0, 0], ...compatible);

const SAMPLES: Record<string, Uint8Array> = {
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xdb]),
  'image/png': bytes([0x89], 'PNG\r\n\x1a\n'),
  'image/gif': bytes('GIF89a'),
  'image/webp': bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '),
  'image/avif': ftyp('avif', 'mif1', 'miaf'),
};

const HTML = new TextEncoder().encode(
  '<!doctype html><script>parent.stolen = indexedDB</script>'.padEnd(3000, ' '),
);
const SVG = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'.padEnd(
    3000,
    ' ',
  ),
);

test('allowed types: the five raster types, case and parameters ignored, nothing else', () => {
  for (const type of Object.keys(SAMPLES)) assert.equal(allowedImageType(type), type);
  assert.equal(allowedImageType(' IMAGE/PNG ; foo=bar'), 'image/png');
  for (const refused of [
    'text/html',
    'image/svg+xml',
    'application/xhtml+xml',
    'text/xml',
    'application/octet-stream',
    'image/jpeg2',
    'image',
    '',
    'constructor',
    '__proto__',
  ])
    assert.equal(allowedImageType(refused), null, refused);
});

test('magic numbers: each type recognises its own bytes only; AVIF by any of its ftyp brands', () => {
  for (const type of Object.keys(SAMPLES)) {
    for (const [other, otherSample] of Object.entries(SAMPLES))
      assert.equal(hasMagicOf(type, otherSample), type === other, `${type} vs ${other} bytes`);
    assert.equal(hasMagicOf(type, HTML), false, `${type} vs HTML`);
    assert.equal(hasMagicOf(type, SVG), false, `${type} vs SVG`);
    assert.equal(hasMagicOf(type, new Uint8Array(0)), false, `${type} vs nothing`);
  }
  assert.equal(hasMagicOf('image/avif', ftyp('mif1', 'avis')), true, 'sequence brand, compatible');
  assert.equal(hasMagicOf('image/avif', ftyp('heic', 'mif1')), false, 'HEIF is not AVIF');
  // A brand beyond the box's own size does not count.
  const short = ftyp('mif1', 'miaf', 'avif');
  short[3] = 16;
  assert.equal(hasMagicOf('image/avif', short), false);
  assert.equal(hasMagicOf('image/svg+xml', SVG), false, 'no type outside the list has a magic');
  assert.ok(MAGIC_BYTES >= 32);
});

test('HTML and SVG photos (correct MD5s) are never fetched nor stored, and are reported failed', async () => {
  const w = await world();
  try {
    const [good1, html, svg, good2] = w.ho.seed(4) as [string, string, string, string];
    w.ho.setContent(html, HTML, 'text/html');
    w.ho.setContent(svg, SVG, 'image/svg+xml');
    const p = await w.engine.sync();
    assert.deepEqual(await w.verifiedIds(), [good1, good2].sort());
    assert.deepEqual(
      p.failures.map((f) => [f.photo_id, f.reason]).sort(),
      [
        [html, 'unsupported image type'],
        [svg, 'unsupported image type'],
      ].sort(),
    );
    assert.equal(w.ho.downloadsOf(html), 0, 'a listed non-image type is not even downloaded');
    assert.equal(w.ho.downloadsOf(svg), 0);
    for (const id of [html, svg])
      assert.deepEqual(w.reportsOf(id).at(-1), {
        photo_id: id,
        status: 'failed',
        synced_at: null,
        error: 'unsupported image type',
      });
    assert.equal(w.reportsOf(good1).at(-1)?.status, 'synced');
  } finally {
    w.close();
  }
});

test('bytes that are not the listed raster type fail once, are not retried in the run, never stored', async () => {
  const w = await world({ partialCheckpointBytes: 1000 });
  try {
    const [html, svg, png, good] = w.ho.seed(4) as [string, string, string, string];
    w.ho.setContent(html, HTML, 'image/jpeg');
    w.ho.setContent(svg, SVG, 'image/png');
    w.ho.setContent(png, jpegFor('a jpeg', 3000), 'image/png');
    const p = await w.engine.sync();
    assert.deepEqual(await w.verifiedIds(), [good]);
    assert.deepEqual(
      p.failures.map((f) => f.reason),
      ['unsupported image type', 'unsupported image type', 'unsupported image type'],
    );
    for (const id of [html, svg, png]) {
      assert.equal(w.ho.downloadsOf(id), 1, 'not retried: the same bytes would come back');
      assert.equal(w.reportsOf(id).at(-1)?.error, 'unsupported image type');
      assert.equal(await w.storage.loadPartial(id), undefined, 'no partial kept either');
    }
  } finally {
    w.close();
  }
});

test('a held photo listed again under another type is downloaded and checked again, never relabelled', async () => {
  const w = await world();
  try {
    const [toHtml, toPng, toJpegCase] = w.ho.seed(3) as [string, string, string];
    await w.engine.sync();
    w.ho.relabel(toHtml, 'text/html');
    w.ho.relabel(toPng, 'image/png');
    w.ho.relabel(toJpegCase, 'IMAGE/JPEG');
    const p = await w.engine.sync();
    assert.deepEqual(
      p.failures.map((f) => [f.photo_id, f.reason]).sort(),
      [
        [toHtml, 'unsupported image type'],
        [toPng, 'unsupported image type'],
      ].sort(),
    );
    assert.equal(w.ho.downloadsOf(toHtml), 1, 'refused before any request');
    assert.equal(w.ho.downloadsOf(toPng), 2, 'fetched again and its magic checked');
    for (const id of [toHtml, toPng])
      assert.equal(
        w.storage.records.get(id)?.content_type,
        'image/jpeg',
        'the held copy keeps its type',
      );
    assert.equal(w.storage.records.get(toJpegCase)?.content_type, 'IMAGE/JPEG');
    assert.equal(w.ho.downloadsOf(toJpegCase), 2);
  } finally {
    w.close();
  }
});

test('the magic number is checked from the body in memory, however small its chunks; hashers are reused clean', async () => {
  const w = await world();
  try {
    // Chunks far smaller than the magic number: the head spans many of them.
    w.ho.chunkSize = 7;
    const [html, corrupt, ...good] = w.ho.seed(6) as [string, string, ...string[]];
    w.ho.setContent(html, HTML, 'image/jpeg');
    // AVIF's brands lie past the first chunks.
    const avif = new Uint8Array(3000);
    avif.set(ftyp('avif', 'mif1', 'miaf'));
    w.ho.setContent(good[0]!, avif, 'image/avif');
    // A failed download returns its hasher mid-stream; the next photos' digests must not see its state.
    w.ho.corrupt(corrupt, 99);
    const p = await w.engine.sync();
    assert.deepEqual(await w.verifiedIds(), [...good].sort());
    assert.deepEqual(
      p.failures.map((f) => [f.photo_id, f.reason]).sort(),
      [
        [html, 'unsupported image type'],
        [corrupt, 'checksum mismatch'],
      ].sort(),
    );
  } finally {
    w.close();
  }
});
