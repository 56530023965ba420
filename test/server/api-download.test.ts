/** Photo downloads over real HTTP: headers, bytes, ETag/304, Range/206/416, If-Range, HEAD, errors. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentDisposition } from '../../server/src/routes/download';
import {
  type TestServer,
  allPhotos,
  call,
  callJson,
  errorMessage,
  login,
  md5,
  startServer,
  tinyJpeg,
} from './harness';

describe('photo download', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  let photo: any;
  const path = (p: { id: string }, store = storeA) =>
    `/api/v1/sync/product-photos/${p.id}/download/?store_id=${store}`;
  const get = (headers: Record<string, string> = {}, method = 'GET') =>
    call(s, path(photo), { token, headers, method });

  before(async () => {
    s = await startServer();
    token = (await login(s)).access;
    storeA = s.prep.demoLogins[0]!.store.id;
    photo = (await allPhotos(s, token, storeA))[3];
  });
  after(() => s.close());

  it('streams the bytes with the reference headers plus ETag, Last-Modified and Accept-Ranges', async () => {
    const r = await get();
    assert.equal(r.status, 200);
    const bytes = new Uint8Array(await r.arrayBuffer());
    assert.equal(md5(bytes), photo.checksum);
    assert.equal(r.headers.get('content-type'), photo.content_type);
    assert.equal(r.headers.get('content-length'), String(photo.size));
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="${photo.filename}"`);
    assert.equal(r.headers.get('x-checksum'), photo.checksum);
    assert.equal(r.headers.get('x-version'), String(photo.version));
    assert.equal(r.headers.get('etag'), `"${photo.checksum}"`);
    // Shared caches may store it but must revalidate every reuse with us (token, scope, ETag).
    assert.equal(r.headers.get('cache-control'), 'public, no-cache');
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.equal(
      new Date(r.headers.get('last-modified')!).getTime(),
      Math.floor(Date.parse(photo.updated_at) / 1000) * 1000,
    );
  });

  it('answers If-None-Match with 304 (strong or weak tag, lists, *) and a stale tag with 200', async () => {
    for (const inm of [
      `"${photo.checksum}"`,
      `W/"${photo.checksum}"`,
      `"nope", "${photo.checksum}"`,
      '*',
    ]) {
      const r = await get({ 'if-none-match': inm });
      assert.equal(r.status, 304, inm);
      assert.equal((await r.arrayBuffer()).byteLength, 0);
      assert.equal(r.headers.get('etag'), `"${photo.checksum}"`);
    }
    const stale = await get({ 'if-none-match': '"0123456789abcdef0123456789abcdef"' });
    assert.equal(stale.status, 200);
    assert.equal(md5(new Uint8Array(await stale.arrayBuffer())), photo.checksum);
  });

  it('serves byte ranges (206), refuses unsatisfiable ones (416) and ignores Range when If-Range is stale', async () => {
    const full = Buffer.from(await (await get()).arrayBuffer());
    const size = full.length;
    const cases: [string, number, number][] = [
      ['bytes=0-9', 0, 9],
      ['bytes=10-', 10, size - 1],
      ['bytes=-20', size - 20, size - 1],
      [`bytes=5-${size + 100}`, 5, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await get({ range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${size}`);
      assert.equal(r.headers.get('content-length'), String(end - start + 1));
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), full.subarray(start, end + 1));
    }
    const bad = await get({ range: `bytes=${size}-` });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), `bytes */${size}`);
    assert.equal(errorMessage(await bad.json()), 'Requested range not satisfiable');
    for (const ignored of ['bytes=0-1,5-9', 'items=0-5', 'bytes=9-3']) {
      const r = await get({ range: ignored });
      assert.equal(r.status, 200, ignored);
      assert.equal((await r.arrayBuffer()).byteLength, size);
    }
    const fresh = await get({ range: 'bytes=0-3', 'if-range': `"${photo.checksum}"` });
    assert.equal(fresh.status, 206);
    const stale = await get({
      range: 'bytes=0-3',
      'if-range': '"0123456789abcdef0123456789abcdef"',
    });
    assert.equal(stale.status, 200);
    assert.equal((await stale.arrayBuffer()).byteLength, size);
  });

  it('builds Content-Disposition with a safe ASCII name and the exact UTF-8 name', () => {
    assert.equal(
      contentDisposition('nasi "goreng".jpg'),
      'attachment; filename="nasi _goreng_.jpg"; filename*=UTF-8\'\'nasi%20%22goreng%22.jpg',
    );
    assert.equal(
      contentDisposition('kopi ☕.jpg'),
      'attachment; filename="kopi _.jpg"; filename*=UTF-8\'\'kopi%20%E2%98%95.jpg',
    );
    assert.equal(contentDisposition('plain.jpg'), 'attachment; filename="plain.jpg"');
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await get({}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), String(photo.size));
    assert.equal(r.headers.get('x-checksum'), photo.checksum);
    assert.equal((await r.arrayBuffer()).byteLength, 0);
  });

  it('reports unknown, foreign and malformed ids and missing store_id in the error shape', async () => {
    const cases: [string, number, RegExp][] = [
      [
        `/api/v1/sync/product-photos/00000000-0000-4000-8000-000000000000/download/?store_id=${storeA}`,
        404,
        /^Photo not found$/,
      ],
      [
        `/api/v1/sync/product-photos/not-a-uuid/download/?store_id=${storeA}`,
        400,
        /photo_id must be a valid UUID/,
      ],
      [`/api/v1/sync/product-photos/${photo.id}/download/`, 400, /^store_id is required$/],
      [
        `/api/v1/sync/product-photos/${photo.id}/download/?store_id=00000000-0000-4000-8000-000000000000`,
        404,
        /^Store not found$/,
      ],
    ];
    for (const [p, status, message] of cases) {
      const r = await callJson(s, p, { token });
      assert.equal(r.status, status, p);
      assert.match(errorMessage(r.body), message);
      assert.equal(r.res.headers.get('x-checksum'), null);
    }
    const anonymous = await callJson(s, path(photo));
    assert.equal(anonymous.status, 401);
    errorMessage(anonymous.body);
  });

  it('serves the new bytes, version and ETag after a replace; the old ETag no longer matches', async () => {
    const target = (await allPhotos(s, token, storeA))[5];
    const jpeg = tinyJpeg([1, 2, 3]);
    const put = await callJson(s, `/api/v1/admin/photos/${target.id}/content/`, {
      method: 'PUT',
      token,
      body: jpeg,
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(put.status, 200);
    const r = await call(s, path(target), {
      token,
      headers: { 'if-none-match': `"${target.checksum}"` },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-version'), String(target.version + 1));
    assert.equal(r.headers.get('etag'), `"${md5(jpeg)}"`);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), jpeg);
  });

  it('answers 500 with a one-line detail (no stack) when the bytes are missing from storage', async () => {
    const target = (await allPhotos(s, token, storeA))[7];
    await s.images.delete(target.object_key);
    const r = await callJson(s, path(target), { token });
    assert.equal(r.status, 500);
    assert.equal(r.body.message, 'Internal server error');
    assert.match(r.body.detail, /Failed to download image/);
    assert.doesNotMatch(JSON.stringify(r.body), /\n|at .*\.ts:\d+/);
  });
});
