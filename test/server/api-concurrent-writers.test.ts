/**
 * Issue 9, item 7: concurrent writers never corrupt a photo. Eight admins replace one photo over many
 * rounds while readers download it through the HTTP API: every download's body matches its
 * X-Checksum, every lost race is a 409 in the reference's error shape, the row never points at
 * missing or other bytes, and after a restart past the grace period no orphan object is left.
 * Runs once per backend (SQLite + files; PostgreSQL with bytes in the database).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { OBJECT_GRACE_MS } from '../../server/src/persistence/object-sweeper';
import {
  BACKEND,
  type TestServer,
  allPhotos,
  call,
  errorMessage,
  login,
  md5,
  startServer,
} from './harness';

const WRITERS = 8;
const ROUNDS = 12;
const READERS = 4;

/** A distinct noisy JPEG (tens of KB, so writes and reads overlap), different for every seed. */
function photo(seed: number): Buffer {
  const side = 160;
  const data = Buffer.alloc(side * side * 4);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = i % 4 === 3 ? 255 : x & 0xff;
  }
  return Buffer.from(jpeg.encode({ data, width: side, height: side }, 90).data);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describe(`concurrent photo writers (${BACKEND})`, () => {
  let s: TestServer;
  let token: string;
  let storeId: string;
  let photoId: string;

  before(async () => {
    s = await startServer();
    token = (await login(s)).access;
    storeId = s.prep.demoLogins[0]!.store.id;
    photoId = (await allPhotos(s, token, storeId))[0]!.id;
  });
  after(async () => {
    await s.close();
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  it('keeps every download whole and every row on its own bytes, and leaves no orphans after a restart', async () => {
    const downloads = { total: 0, mismatched: 0, failed: [] as string[] };
    const outcomes = { ok: 0, conflict: 0, other: [] as string[] };
    let writing = true;

    const reader = async () => {
      // Every reader downloads at least a few times, and keeps going for as long as writers run.
      for (let n = 0; writing || n < 3; n++) {
        try {
          const res = await call(
            s,
            `/api/v1/sync/product-photos/${photoId}/download/?store_id=${storeId}`,
            { token },
          );
          const body = Buffer.from(await res.arrayBuffer());
          downloads.total++;
          if (res.status !== 200) downloads.failed.push(`${res.status} ${body.toString()}`);
          else if (md5(body) !== res.headers.get('x-checksum')) downloads.mismatched++;
        } catch (e) {
          downloads.total++;
          downloads.failed.push(String(e));
        }
      }
    };
    const writer = async (w: number, round: number) => {
      const res = await call(s, `/api/v1/admin/photos/${photoId}/content/`, {
        method: 'PUT',
        token,
        body: photo(round * WRITERS + w + 1),
        headers: { 'content-type': 'image/jpeg' },
      });
      const body = await res.json();
      if (res.status === 200) outcomes.ok++;
      else if (res.status === 409 && /changed/.test(errorMessage(body))) outcomes.conflict++;
      else outcomes.other.push(`${res.status} ${JSON.stringify(body)}`);
    };
    const readers = Array.from({ length: READERS }, reader);
    for (let round = 0; round < ROUNDS; round++)
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w, round)));
    writing = false;
    await Promise.all(readers);

    assert.deepEqual(outcomes.other, [], 'every write either wins (200) or loses a race (409)');
    assert.equal(outcomes.ok + outcomes.conflict, WRITERS * ROUNDS);
    assert.ok(outcomes.ok >= ROUNDS, 'at least one writer wins each round');
    assert.ok(downloads.total >= READERS * 3);
    assert.equal(downloads.mismatched, 0, `bodies differing from X-Checksum of ${downloads.total}`);
    assert.deepEqual(downloads.failed, [], 'no download failed');

    const row = (await s.meta.getPhoto(photoId))!;
    assert.equal(row.version, 1 + outcomes.ok, 'each win is exactly one version');
    assert.equal(md5(await collect(s.images.read(row.object_key))), row.checksum);

    // A restart after the grace period sweeps every replaced and lost object: only referenced ones stay.
    const dataDir = s.dataDir;
    // Past the grace period after the last write (stored times are wall-clock, like the bytes' mtimes).
    const restartAt = Date.now() + OBJECT_GRACE_MS + 1000;
    await s.close(true);
    s = await startServer({ dataDir, now: restartAt });
    const orphans: string[] = [];
    for await (const object of s.images.list())
      if (await s.meta.isObjectUnreferenced(object.key)) orphans.push(object.key);
    assert.deepEqual(orphans, []);
    const after = (await s.meta.getPhoto(photoId))!;
    assert.deepEqual(after, row);
    assert.equal(md5(await collect(s.images.read(after.object_key))), after.checksum);
    const missing: string[] = [];
    const admin = (await login(s)).access;
    for (const { store } of s.prep.demoLogins)
      for (const listed of await allPhotos(s, admin, store.id)) {
        const stored = (await s.meta.getPhoto(listed.id))!;
        if (!(await s.images.stat(stored.object_key))) missing.push(stored.object_key);
      }
    assert.deepEqual(missing, [], 'rows pointing at missing bytes');
  });
});
