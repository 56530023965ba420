/**
 * The service worker's photo answers: verified bytes with their raster type, or the placeholder, both
 * locked down; the placeholder carries no words (sentences live in the UI's message tables).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLACEHOLDER_HEADER } from '../../src/shared/messages';
import type { StoredPhoto } from '../../src/shared/types';
import { PHOTO_SECURITY_HEADERS, servePhoto } from '../../src/sw/photo-route';

function assertLockedDown(res: Response): void {
  for (const [name, value] of Object.entries(PHOTO_SECURITY_HEADERS))
    assert.equal(res.headers.get(name), value, name);
}

test('a photo not held gets the placeholder: an SVG picture without words, locked down, never cached', async () => {
  const res = await servePhoto(async () => undefined, 'p1');
  assertLockedDown(res);
  assert.equal(res.headers.get('content-type'), 'image/svg+xml');
  assert.equal(res.headers.get(PLACEHOLDER_HEADER), '1');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const svg = await res.text();
  assert.match(svg, /^<svg /);
  assert.doesNotMatch(svg, /<text|<title|<desc/, 'no words in any language');
  assert.doesNotMatch(svg, /<script|on\w+=/i, 'nothing that runs');
});

test('a held photo is served with its raster type and checksum; a record of a disallowed type is not', async () => {
  const record = { content_type: 'image/png', checksum: 'abc' } as StoredPhoto;
  const blob = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])]);
  const res = await servePhoto(async () => ({ record, blob }), 'p1');
  assertLockedDown(res);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('etag'), '"abc"');
  assert.equal(res.headers.get(PLACEHOLDER_HEADER), null);
  assert.equal((await res.arrayBuffer()).byteLength, 4);
  const html = { ...record, content_type: 'text/html' } as StoredPhoto;
  const refused = await servePhoto(async () => ({ record: html, blob }), 'p1');
  assert.equal(refused.headers.get('content-type'), 'image/svg+xml');
});
