/**
 * Issue 9, item 10: an owner-only data dir, frame-ancestors on HTML, nosniff on downloads, and
 * uploads refused unless they are structurally valid images with sane dimensions.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { crc32 } from 'node:zlib';
import { inspectImage } from '../../server/src/image-inspect';
import {
  type TestServer,
  allPhotos,
  call,
  callJson,
  errorMessage,
  login,
  startServer,
  tinyJpeg,
} from './harness';

const mode = (path: string) => statSync(path).mode & 0o777;

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A valid 2x1 greyscale PNG. */
function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0, 255]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const GIF_1X1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const WEBP_1X1 = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

/** A WebP whose VP8X header claims `w` x `h` pixels. */
function webpClaiming(w: number, h: number): Buffer {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8X', 8, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(w - 1, 24, 3);
  b.writeUIntLE(h - 1, 27, 3);
  return b;
}

describe('upload inspection', () => {
  it('reads type and dimensions of real JPEG, PNG, GIF and WebP images', () => {
    assert.deepEqual(inspectImage(tinyJpeg([1, 2, 3])), {
      type: 'image/jpeg',
      ext: '.jpg',
      width: 16,
      height: 16,
    });
    assert.deepEqual(
      inspectImage(Buffer.concat([tinyJpeg([1, 2, 3]), Buffer.from('trailer')])).width,
      16,
    );
    assert.deepEqual(inspectImage(tinyPng()), {
      type: 'image/png',
      ext: '.png',
      width: 2,
      height: 1,
    });
    assert.deepEqual(inspectImage(GIF_1X1), {
      type: 'image/gif',
      ext: '.gif',
      width: 1,
      height: 1,
    });
    assert.deepEqual(inspectImage(WEBP_1X1), {
      type: 'image/webp',
      ext: '.webp',
      width: 1,
      height: 1,
    });
  });

  it('refuses magic numbers without an image, truncation, broken headers and pixel bombs', () => {
    const jpeg = tinyJpeg([1, 2, 3]);
    const png = tinyPng();
    const badCrc = Buffer.from(png);
    badCrc[20] = 9; // height changed after the CRC was computed
    const zeroWide = Buffer.from(png);
    zeroWide.writeUInt32BE(0, 16);
    zeroWide.writeUInt32BE(crc32(zeroWide.subarray(12, 29)), 29);
    const cases: [string, Buffer, RegExp][] = [
      [
        'JPEG magic then text',
        Buffer.from([0xff, 0xd8, 0xff, ...Buffer.from('<script>1</script>')]),
        /JPEG/,
      ],
      ['JPEG cut before its scan', jpeg.subarray(0, 120), /JPEG/],
      ['PNG signature only', png.subarray(0, 16), /PNG/],
      ['PNG with a wrong IHDR CRC', badCrc, /checksum/],
      ['PNG without IEND', png.subarray(0, png.length - 12), /PNG/],
      ['PNG zero pixels wide', zeroWide, /no pixels/],
      ['GIF header without an image', GIF_1X1.subarray(0, 13), /GIF/],
      ['WebP with a short RIFF', WEBP_1X1.subarray(0, 24), /WebP/],
      ['WebP claiming 20000x20000', webpClaiming(20000, 20000), /megapixels/],
      [
        'SVG',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
        /Not a JPEG/,
      ],
    ];
    for (const [what, bytes, message] of cases)
      assert.throws(() => inspectImage(bytes), message, what);
  });
});

describe('files and headers', () => {
  let s: TestServer;
  let dist: string;
  let token: string;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'ho-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>shell</title>');
    s = await startServer({ staticDir: dist });
    token = (await login(s)).access;
  });
  after(async () => {
    await s.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('sends frame-ancestors none with every HTML page, the not-built page too', async () => {
    for (const path of ['/', '/some/route']) {
      const r = await call(s, path, { headers: { accept: 'text/html' } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-security-policy'), "frame-ancestors 'none'");
    }
    const unbuilt = await startServer();
    try {
      const r = await call(unbuilt, '/', { headers: { accept: 'text/html' } });
      assert.equal(r.status, 404);
      assert.equal(r.headers.get('content-security-policy'), "frame-ancestors 'none'");
    } finally {
      await unbuilt.close();
    }
  });

  it('sends nosniff with downloads', async () => {
    const store = s.prep.demoLogins[0]!.store.id;
    const [photo] = await allPhotos(s, token, store);
    const r = await call(s, `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${store}`, {
      token,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    await r.arrayBuffer();
  });

  it('refuses an upload that only has the magic number, and stores nothing', async () => {
    const store = s.prep.demoLogins[0]!.store.id;
    const [photo] = await allPhotos(s, token, store);
    const before = readdirSync(join(s.dataDir, 'images'), { recursive: true }).length;
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x41)]);
    const r = await callJson(s, `/api/v1/admin/products/${photo.product_id}/photos/`, {
      token,
      body: fake,
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(r.status, 400);
    assert.match(errorMessage(r.body), /Not a valid image/);
    assert.equal(readdirSync(join(s.dataDir, 'images'), { recursive: true }).length, before);
  });
});

describe('data dir permissions', () => {
  it('creates the data dir 0700 and its files 0600, and tightens an existing loose dir at start', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ho-perm-')), 'data');
    try {
      let s = await startServer({
        dataDir: dir,
        argv: ['--no-demo'],
        env: { ADMIN_PASSWORD: 'owner-only' },
      });
      await login(s, 'admin', 'owner-only');
      const check = () => {
        assert.equal(mode(dir), 0o700);
        for (const f of ['ho.sqlite', 'jwt-secret']) assert.equal(mode(join(dir, f)), 0o600, f);
        for (const f of readdirSync(dir, { withFileTypes: true }))
          if (f.isFile()) assert.equal(mode(join(dir, f.name)), 0o600, f.name);
      };
      check();
      await s.close(true);
      // As an older version (or a careless umask) left it.
      chmodSync(dir, 0o755);
      for (const f of readdirSync(dir, { withFileTypes: true }))
        if (f.isFile()) chmodSync(join(dir, f.name), 0o644);
      s = await startServer({
        dataDir: dir,
        argv: ['--no-demo'],
        env: { ADMIN_PASSWORD: 'owner-only' },
      });
      check();
      await s.close(true);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
