/**
 * The storage layer (src/storage) in real Chromium on an on-disk profile: the engine's SyncStorage port, the
 * serving reads, migrations, detection of lost bytes, quota errors and a browser killed in the middle of writes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type ChromiumProfile, createChromiumProfile } from '../helpers/chromium';
import { writeHarnessSite } from '../helpers/harness-site';
import { type StaticServer, serveStatic } from '../helpers/static-server';
import type { StorageHarness } from '../helpers/storage-harness';

declare global {
  var harness: StorageHarness;
}

/** Files under `dir` (recursively) whose directory path contains `marker`. */
async function filesUnder(dir: string, marker: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && join(e.parentPath, e.name).includes(marker))
    .map((e) => join(e.parentPath, e.name));
}

/** PIDs of the Chromium processes running on the profile directory `userDataDir`. */
async function chromiumPids(userDataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(`--user-data-dir=${userDataDir}`)) pids.push(Number(entry));
  }
  return pids;
}

describe('storage layer in Chromium', () => {
  let siteDir: string;
  let server: StaticServer;
  let profile: ChromiumProfile;
  let context: BrowserContext;
  let page: Page;
  let dbCount = 0;
  /** A fresh database name per test, so tests do not see each other's data. */
  const freshDb = (): string => `test-db-${++dbCount}`;

  const openPage = async (): Promise<void> => {
    context = await profile.open();
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => typeof globalThis.harness === 'object');
  };

  before(async () => {
    siteDir = await mkdtemp(join(tmpdir(), 'pps-storage-site-'));
    await writeHarnessSite(siteDir, 'test/helpers/storage-harness.ts');
    server = await serveStatic(siteDir, '/');
    profile = await createChromiumProfile();
    await openPage();
  });

  after(async () => {
    await profile?.dispose();
    await server?.close();
    await rm(siteDir, { recursive: true, force: true });
  });

  it('stores verified bytes with their record and reads them back exactly', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, photo, blobFor, holds, failureOf } = harness;
      return withStorage(name, async (s) => {
        const record = photo('a', 'c-png', 3000, { content_type: 'image/png' });
        await s.putVerified(
          { ...record, bytes_missing: true },
          blobFor('c-png', 3000, 'image/png'),
        );
        const read = await s.readPhoto('a');
        const wrongSize = await failureOf(s.putVerified(photo('b', 'c-b', 10), blobFor('c-b', 11)));
        return {
          expected: record,
          record: read?.record,
          exact: read != null && (await holds(read.blob, 'c-png', 3000)),
          stored: await s.getRecord('a'),
          listed: (await s.listRecords()).map((r) => r.id),
          unknown: await s.readPhoto('nope'),
          wrongSize,
          wrongSizeStored: await s.getRecord('b'),
        };
      });
    }, freshDb());
    assert.deepEqual(
      result.record,
      result.expected,
      'the storage-owned bytes_missing flag is dropped with present bytes',
    );
    assert.equal(result.record?.content_type, 'image/png');
    assert.ok(result.exact, 'bytes read back differ from the bytes stored');
    assert.deepEqual(result.stored, result.expected);
    assert.deepEqual(result.listed, ['a']);
    assert.equal(result.unknown, undefined);
    assert.match(result.wrongSize?.message ?? '', /11 bytes, record says 10/);
    assert.equal(result.wrongSizeStored, undefined);
  });

  it('replaces a version atomically: every read sees the old or the new photo, and the old bytes go', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, withRawDb, photo, blobFor, holds } = harness;
      return withStorage(name, async (s) => {
        await s.putVerified(photo('a', 'old', 50_000), blobFor('old', 50_000));
        const before = await s.readPhoto('a');
        const replacing = s.putVerified(
          photo('a', 'new', 60_000, { version: 2 }),
          blobFor('new', 60_000),
        );
        const reads = await Promise.all(Array.from({ length: 30 }, () => s.readPhoto('a')));
        await replacing;
        const consistent = await Promise.all(
          reads.map(async (r) =>
            r == null
              ? 'missing'
              : (await holds(r.blob, r.record.checksum, r.record.size))
                ? r.record.checksum
                : 'mismatch',
          ),
        );
        const after = await s.readPhoto('a');
        return {
          consistent,
          after: after?.record.checksum,
          afterExact: after != null && (await holds(after.blob, 'new', 60_000)),
          // A response already being served from the old Blob still completes.
          oldBlobStillReadable: before != null && (await holds(before.blob, 'old', 50_000)),
          bytesKeys: await withRawDb(name, (db) => db.getAllKeys('bytes')),
        };
      });
    }, freshDb());
    assert.ok(
      result.consistent.every((c) => c === 'old' || c === 'new'),
      `reads during replacement: ${result.consistent.join(',')}`,
    );
    assert.equal(result.after, 'new');
    assert.ok(result.afterExact);
    assert.ok(result.oldBlobStillReadable);
    assert.deepEqual(result.bytesKeys, ['new']);
  });

  it('stores bytes shared by photos with one checksum once and keeps them while any photo references them', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, bytesKeys, photo, blobFor, holds } = harness;
      return withStorage(name, async (s) => {
        await s.putVerified(photo('a', 'shared', 4000), blobFor('shared', 4000));
        await s.putVerified(photo('b', 'shared', 4000), blobFor('shared', 4000));
        const afterTwo = await bytesKeys(name);
        await s.putVerified(photo('b', 'b2', 5000, { version: 2 }), blobFor('b2', 5000));
        const afterReplace = await bytesKeys(name);
        const aStill = await s.readPhoto('a');
        const aExact = aStill != null && (await holds(aStill.blob, 'shared', 4000));
        await s.deleteRecords(['a', 'never-held']);
        const afterDeleteA = await bytesKeys(name);
        await s.putVerified(photo('c', 'b2', 5000), blobFor('b2', 5000));
        await s.deleteRecords(['b', 'c']);
        return {
          afterTwo,
          afterReplace,
          aExact,
          afterDeleteA,
          afterAll: await bytesKeys(name),
          records: await s.listRecords(),
        };
      });
    }, freshDb());
    assert.deepEqual(result.afterTwo, ['shared']);
    assert.deepEqual(result.afterReplace, ['b2', 'shared']);
    assert.ok(result.aExact);
    assert.deepEqual(result.afterDeleteA, ['b2']);
    assert.deepEqual(result.afterAll, []);
    assert.deepEqual(result.records, []);
  });

  it('updates metadata only around the bytes already held', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, photo, blobFor, failureOf } = harness;
      return withStorage(name, async (s) => {
        const held = photo('a', 'c1', 100);
        await s.putVerified(held, blobFor('c1', 100));
        await s.putMeta({ ...held, product_name: 'Renamed', sort_order: 3 });
        const renamed = await s.getRecord('a');
        const otherChecksum = await failureOf(
          s.putMeta({ ...held, checksum: 'c2', product_name: 'Wrong' }),
        );
        const unknown = await failureOf(s.putMeta(photo('zz', 'c1', 100)));
        return {
          renamed,
          otherChecksum,
          unknown,
          after: await s.getRecord('a'),
          zz: await s.getRecord('zz'),
        };
      });
    }, freshDb());
    assert.equal(result.renamed?.product_name, 'Renamed');
    assert.equal(result.renamed?.sort_order, 3);
    assert.match(result.otherChecksum?.message ?? '', /not held with checksum c2/);
    assert.match(result.unknown?.message ?? '', /not held/);
    assert.equal(result.after?.product_name, 'Renamed');
    assert.equal(result.zz, undefined);
  });

  it('appends, loads and clears partial downloads; verified bytes and deletions drop them', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, photo, blobFor, bytesFor, failureOf } = harness;
      const whole = bytesFor('part', 250);
      const header = {
        photo_id: 'p',
        checksum: 'part',
        etag: '"e1"',
        md5_state: new Uint8Array([1, 2, 3]),
      };
      return withStorage(name, async (s) => {
        await s.appendPartial({ ...header, received: 100 }, new Blob([whole.slice(0, 100)]));
        await s.appendPartial(
          { ...header, received: 250, md5_state: new Uint8Array([4, 5]) },
          new Blob([whole.slice(100)]),
        );
        const loaded = await s.loadPartial('p');
        const idsHeld = await s.partialIds();
        const loadedBytes = loaded
          ? Array.from(new Uint8Array(await new Blob(loaded.chunks).arrayBuffer()))
          : [];
        const gap = await failureOf(
          s.appendPartial({ ...header, received: 400 }, new Blob([new Uint8Array(100)])),
        );
        const otherVersion = await failureOf(
          s.appendPartial(
            { ...header, checksum: 'other', received: 300 },
            new Blob([new Uint8Array(50)]),
          ),
        );
        const afterBadAppends = (await s.loadPartial('p'))?.received;
        await s.appendPartial(
          { ...header, checksum: 'restart', received: 10 },
          new Blob([new Uint8Array(10)]),
        );
        const restarted = await s.loadPartial('p');
        await s.clearPartial('p');
        const cleared = await s.loadPartial('p');
        await s.appendPartial(
          { ...header, photo_id: 'v', received: 5 },
          new Blob([new Uint8Array(5)]),
        );
        await s.putVerified(photo('v', 'cv', 20), blobFor('cv', 20));
        await s.appendPartial(
          { ...header, photo_id: 'v', received: 5 },
          new Blob([new Uint8Array(5)]),
        );
        await s.deleteRecords(['v']);
        return {
          loaded: loaded && {
            received: loaded.received,
            etag: loaded.etag,
            md5: Array.from(loaded.md5_state),
            chunks: loaded.chunks.length,
          },
          loadedExact: loadedBytes.length === 250 && loadedBytes.every((b, i) => b === whole[i]),
          gap,
          otherVersion,
          afterBadAppends,
          restarted: restarted && {
            checksum: restarted.checksum,
            received: restarted.received,
            chunks: restarted.chunks.length,
          },
          cleared,
          afterVerifiedAndDelete: await s.loadPartial('v'),
          idsHeld,
          idsAtEnd: await s.partialIds(),
        };
      });
    }, freshDb());
    assert.deepEqual(result.loaded, { received: 250, etag: '"e1"', md5: [4, 5], chunks: 2 });
    assert.ok(result.loadedExact, 'chunks do not add up to the appended bytes');
    assert.match(result.gap?.message ?? '', /no partial ending at byte 300/);
    assert.match(result.otherVersion?.message ?? '', /no partial ending at byte 250 of other/);
    assert.equal(result.afterBadAppends, 250);
    assert.deepEqual(result.restarted, { checksum: 'restart', received: 10, chunks: 1 });
    assert.equal(result.cleared, undefined);
    assert.equal(result.afterVerifiedAndDelete, undefined);
    assert.deepEqual(result.idsHeld, ['p']);
    assert.deepEqual(result.idsAtEnd, []);
  });

  it('gets, puts and deletes state values, and keeps failures by photo', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, failure } = harness;
      return withStorage(name, async (s) => {
        const empty = await s.getState('settings');
        await s.putState('settings', { storeId: 'S1', concurrency: 3 });
        await s.putState('auth', {
          access: 'a',
          refresh: 'r',
          access_exp_ms: 5,
          token_path: '/api/token/',
        });
        const settings = await s.getState('settings');
        const auth = await s.getState('auth');
        await s.putState('auth', undefined);
        await s.putFailure(failure('x', 1));
        await s.putFailure(failure('y', 1));
        await s.putFailure(failure('x', 2));
        const failures = await s.listFailures();
        await s.deleteFailures(['x', 'unknown']);
        return {
          empty,
          settings,
          auth,
          authAfterDelete: await s.getState('auth'),
          failures,
          failuresAfter: await s.listFailures(),
        };
      });
    }, freshDb());
    assert.equal(result.empty, undefined);
    assert.deepEqual(result.settings, { storeId: 'S1', concurrency: 3 });
    assert.deepEqual(result.auth, {
      access: 'a',
      refresh: 'r',
      access_exp_ms: 5,
      token_path: '/api/token/',
    });
    assert.equal(result.authAfterDelete, undefined);
    assert.deepEqual(
      result.failures.map((f) => [f.photo_id, f.attempts]),
      [
        ['x', 2],
        ['y', 1],
      ],
    );
    assert.deepEqual(
      result.failuresAfter.map((f) => f.photo_id),
      ['y'],
    );
  });

  it('keeps the outbox in order and replaces an unsent report of the same photo, also when queued with a photo', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, report, photo, blobFor } = harness;
      return withStorage(name, async (s) => {
        await s.appendOutbox(report('a', 'failed'));
        await s.appendOutbox(report('b', 'synced'));
        await s.appendOutbox(report('c', 'failed'));
        await s.appendOutbox(report('a', 'synced'));
        const all = await s.peekOutbox(10);
        const firstTwo = await s.peekOutbox(2);
        const none = await s.peekOutbox(0);
        const count = await s.countOutbox();
        await s.removeOutbox(firstTwo.map((e) => e.seq));
        const rest = await s.peekOutbox(10);
        const countAfter = await s.countOutbox();
        await s.putVerified(photo('d', 'cd', 20), blobFor('cd', 20), report('d', 'synced'));
        await s.putVerified(photo('a', 'ca', 20), blobFor('ca', 20), report('a', 'synced'));
        return {
          all,
          firstTwo,
          none,
          count,
          rest,
          countAfter,
          withPhotos: (await s.peekOutbox(10)).map((e) => e.item.photo_id),
        };
      });
    }, freshDb());
    assert.deepEqual(
      result.all.map((e) => [e.item.photo_id, e.item.status]),
      [
        ['b', 'synced'],
        ['c', 'failed'],
        ['a', 'synced'],
      ],
    );
    const seqs = result.all.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
      'seq must grow in outbox order',
    );
    assert.deepEqual(
      result.firstTwo.map((e) => e.item.photo_id),
      ['b', 'c'],
    );
    assert.deepEqual(result.none, []);
    assert.equal(result.count, 3);
    assert.deepEqual(
      result.rest.map((e) => e.item),
      [{ photo_id: 'a', status: 'synced', synced_at: '2026-01-01T00:00:00.000Z', error: null }],
    );
    assert.equal(result.countAfter, 1);
    assert.deepEqual(
      result.withPhotos,
      ['d', 'a'],
      'putVerified queues its report, replacing the unsent one of that photo',
    );
  });

  it('wipes photos, bytes, partials, failures, outbox and tokens, keeps settings and replaces the engine record in the same step', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, withRawDb, photo, blobFor } = harness;
      return withStorage(name, async (s) => {
        await s.putVerified(photo('a', 'c1', 100), blobFor('c1', 100));
        await s.appendPartial(
          {
            photo_id: 'b',
            checksum: 'c2',
            etag: null,
            received: 10,
            md5_state: new Uint8Array([1]),
          },
          new Blob([new Uint8Array(10)]),
        );
        await s.putFailure({
          photo_id: 'b',
          reason: 'timeout',
          attempts: 1,
          last_attempt_at: '2026-01-01T00:00:00.000Z',
          meta: null,
          next_retry_at_ms: 0,
        });
        await s.appendOutbox({
          photo_id: 'b',
          status: 'failed',
          synced_at: null,
          error: 'timeout',
        });
        await s.putState('settings', { storeId: 'S1' });
        await s.putState('auth', {
          access: 'a',
          refresh: null,
          access_exp_ms: null,
          token_path: '/api/token/',
        });
        await s.putState('engine', {
          watermark: '2026-01-01T00:00:00.000Z',
          last_success_at: null,
          last_reconcile_at: null,
          pending_deletion: null,
          terminal_id: 't',
          status_disabled_until_ms: null,
        });
        await s.wipe({
          watermark: null,
          last_success_at: null,
          last_reconcile_at: null,
          pending_deletion: null,
          terminal_id: 't',
          status_disabled_until_ms: null,
        });
        const counts = await withRawDb(name, async (db) =>
          Object.fromEntries(
            await Promise.all(
              ['photos', 'bytes', 'partials', 'partial-chunks', 'failures', 'outbox'].map(
                async (n) => [n, await db.count(n)],
              ),
            ),
          ),
        );
        return {
          counts,
          settings: await s.getState('settings'),
          auth: await s.getState('auth'),
          engine: await s.getState('engine'),
          records: await s.listRecords(),
        };
      });
    }, freshDb());
    assert.deepEqual(result.counts, {
      photos: 0,
      bytes: 0,
      partials: 0,
      'partial-chunks': 0,
      failures: 0,
      outbox: 0,
    });
    assert.deepEqual(result.settings, { storeId: 'S1' });
    assert.equal(result.auth, undefined);
    assert.deepEqual(result.engine, {
      watermark: null,
      last_success_at: null,
      last_reconcile_at: null,
      pending_deletion: null,
      terminal_id: 't',
      status_disabled_until_ms: null,
    });
    assert.deepEqual(result.records, []);
  });

  it('migrates a version 1 database keeping its data, and the new index covers the old records', async () => {
    const result = await page.evaluate(async (name) => {
      const { openOldSchema, withStorage, withRawDb, photo, blobFor, holds, storage } = harness;
      // A database as version 1 of the schema left it: no by-checksum index yet.
      const v1 = await openOldSchema(name, 1);
      await v1.put('photos', photo('a', 'shared', 700));
      await v1.put('photos', photo('b', 'shared', 700));
      await v1.put('bytes', blobFor('shared', 700), 'shared');
      await v1.put('state', { storeId: 'S9' }, 'settings');
      await v1.add('outbox', {
        photo_id: 'a',
        status: 'synced',
        synced_at: '2026-01-01T00:00:00.000Z',
        error: null,
      });
      v1.close();
      return withStorage(name, async (s) => {
        const read = await s.readPhoto('b');
        const version = await withRawDb(name, async (db) => db.version);
        await s.deleteRecords(['a']);
        const keptForB = await withRawDb(name, (db) => db.getAllKeys('bytes'));
        await s.deleteRecords(['b']);
        return {
          version,
          expectedVersion: storage.DB_VERSION,
          readExact: read != null && (await holds(read.blob, 'shared', 700)),
          settings: await s.getState('settings'),
          outbox: (await s.peekOutbox(5)).map((e) => e.item.photo_id),
          keptForB,
          afterBoth: await withRawDb(name, (db) => db.getAllKeys('bytes')),
        };
      });
    }, freshDb());
    assert.equal(result.version, result.expectedVersion);
    assert.ok(result.readExact);
    assert.deepEqual(result.settings, { storeId: 'S9' });
    assert.deepEqual(result.outbox, ['a']);
    assert.deepEqual(result.keptForB, ['shared']);
    assert.deepEqual(result.afterBoth, []);
  });

  it('migrating to version 3 purges photos stored with a type no longer allowed and lists everything again', async () => {
    const result = await page.evaluate(async (name) => {
      const { openOldSchema, withStorage, withRawDb, photo, blobFor, bytesFor } = harness;
      // A database as version 2 left it, holding an HTML and an SVG "photo" next to real ones.
      const v2 = await openOldSchema(name, 2);
      await v2.put('photos', photo('jpeg', 'cj', 300));
      await v2.put('photos', photo('png', 'cp', 300, { content_type: 'IMAGE/PNG' }));
      await v2.put('photos', photo('html', 'ch', 300, { content_type: 'text/html' }));
      await v2.put('photos', photo('svg', 'cs', 300, { content_type: 'image/svg+xml' }));
      // Same bytes as the kept JPEG, listed as HTML: the shared bytes stay for the JPEG.
      await v2.put('photos', photo('twin', 'cj', 300, { content_type: 'text/html' }));
      for (const c of ['cj', 'cp', 'ch', 'cs']) await v2.put('bytes', blobFor(c, 300), c);
      await v2.put('partials', {
        photo_id: 'svg',
        checksum: 'cs',
        etag: null,
        received: 100,
        md5_state: new Uint8Array(4),
      });
      await v2.put('partial-chunks', new Blob([bytesFor('cs', 100)]), ['svg', 0]);
      await v2.put(
        'state',
        {
          watermark: '2026-01-01T00:00:00.000Z',
          last_success_at: null,
          last_reconcile_at: '2026-01-01T00:00:00.000Z',
          pending_deletion: null,
          terminal_id: 't',
          status_disabled_until_ms: null,
        },
        'engine',
      );
      v2.close();
      return withStorage(name, async (s) => ({
        records: (await s.listRecords()).map((r) => r.id).sort(),
        bytes: await withRawDb(name, (db) => db.getAllKeys('bytes')),
        partials: await s.partialIds(),
        chunks: await withRawDb(name, (db) => db.count('partial-chunks')),
        engine: await s.getState('engine'),
        served: (await s.readPhoto('jpeg'))?.blob.size,
      }));
    }, freshDb());
    assert.deepEqual(result.records, ['jpeg', 'png']);
    assert.deepEqual(result.bytes, ['cj', 'cp']);
    assert.deepEqual(result.partials, []);
    assert.equal(result.chunks, 0);
    assert.equal(result.engine?.watermark, null, 'the next run lists everything');
    assert.equal(result.engine?.terminal_id, 't');
    assert.equal(result.served, 300);
  });

  it('detects bytes deleted behind its back: readPhoto answers undefined and flags the photo for download', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, withRawDb, photo, blobFor, holds } = harness;
      await withStorage(name, async (s) => {
        await s.putVerified(photo('a', 'ca', 300), blobFor('ca', 300));
        await s.putVerified(photo('twin', 'ca', 300), blobFor('ca', 300));
        await s.putVerified(photo('b', 'cb', 300), blobFor('cb', 300));
      });
      await withRawDb(name, async (db) => {
        await db.delete('bytes', 'ca');
        await db.delete('bytes', 'cb');
        await db.put('bytes', blobFor('orphan', 10), 'orphan');
        await db.put('partial-chunks', new Blob([new Uint8Array(4)]), ['ghost', 0]);
      });
      return withStorage(name, async (s) => {
        // Opening swept: orphans gone, and b (never read) is already flagged.
        const afterOpen = {
          b: (await s.getRecord('b'))?.bytes_missing,
          bytes: await withRawDb(name, (db) => db.getAllKeys('bytes')),
          chunks: await withRawDb(name, (db) => db.count('partial-chunks')),
        };
        const readA = await s.readPhoto('a');
        const flagged = (await s.listRecords()).filter((r) => r.bytes_missing).map((r) => r.id);
        await s.putVerified(photo('a', 'ca', 300), blobFor('ca', 300));
        const again = await s.readPhoto('a');
        return {
          afterOpen,
          readA,
          flagged,
          againExact: again != null && (await holds(again.blob, 'ca', 300)),
          twinAfterRedownload: (await s.getRecord('twin'))?.bytes_missing,
          twinReadable: (await s.readPhoto('twin')) !== undefined,
        };
      });
    }, freshDb());
    assert.deepEqual(result.afterOpen, { b: true, bytes: [], chunks: 0 });
    assert.equal(result.readA, undefined);
    assert.deepEqual(result.flagged.sort(), ['a', 'b', 'twin']);
    assert.ok(result.againExact);
    assert.equal(
      result.twinAfterRedownload,
      undefined,
      'the re-downloaded bytes serve every photo sharing them',
    );
    assert.ok(result.twinReadable);
  });

  it('detects bytes whose backing file vanished from disk', async () => {
    const name = freshDb();
    await page.evaluate(async (n) => {
      const { withStorage, photo, blobFor } = harness;
      await withStorage(n, (s) =>
        s.putVerified(photo('a', 'file', 80_000), blobFor('file', 80_000)),
      );
    }, name);
    const blobFiles = await filesUnder(join(profile.userDataDir, 'Default'), '.indexeddb.blob');
    assert.ok(blobFiles.length > 0, 'expected Chromium to keep IndexedDB blobs as files');
    await Promise.all(blobFiles.map((file) => unlink(file)));
    const result = await page.evaluate(async (n) => {
      const { withStorage } = harness;
      return withStorage(n, async (s) => ({
        read: await s.readPhoto('a'),
        record: await s.getRecord('a'),
      }));
    }, name);
    // Null, not undefined: this read found the bytes gone and flagged them (a write the worker's proxies hear of).
    assert.equal(result.read, null);
    assert.equal(result.record?.bytes_missing, true);
  });

  it('maps a full quota to QuotaError and writes nothing of the failed step', async () => {
    // A fresh origin: Chromium applies a quota override to IndexedDB opened after it, not to an origin already in use.
    const quotaServer = await serveStatic(siteDir, '/');
    const quotaPage = await context.newPage();
    const cdp = await context.newCDPSession(quotaPage);
    try {
      await cdp.send('Storage.overrideQuotaForOrigin', {
        origin: quotaServer.origin,
        quotaSize: 1_000_000,
      });
      await quotaPage.goto(`${quotaServer.origin}/`);
      const result = await quotaPage.evaluate(async (n) => {
        const { withStorage, bytesKeys, photo, blobFor, holds, failureOf } = harness;
        return withStorage(n, async (s) => {
          const first = await failureOf(
            s.putVerified(photo('a', 'small', 20_000), blobFor('small', 20_000)),
          );
          const replace = await failureOf(
            s.putVerified(photo('a', 'big', 2_000_000, { version: 2 }), blobFor('big', 2_000_000)),
          );
          const add = await failureOf(
            s.putVerified(
              photo('b', 'big', 2_000_000),
              blobFor('big', 2_000_000),
              harness.report('b', 'synced'),
            ),
          );
          const read = await s.readPhoto('a');
          await s.appendOutbox(harness.report('a', 'failed'));
          return {
            first,
            replace,
            add,
            kept: read?.record,
            keptExact: read != null && (await holds(read.blob, 'small', 20_000)),
            b: await s.getRecord('b'),
            bytes: await bytesKeys(n),
            outbox: await s.countOutbox(),
          };
        });
      }, freshDb());
      assert.equal(result.first, null, 'a photo within the quota is stored');
      assert.equal(result.replace?.name, 'QuotaError', JSON.stringify(result.replace));
      assert.equal(result.replace?.reason, 'storage full');
      assert.equal(result.add?.name, 'QuotaError');
      assert.equal(
        result.kept?.checksum,
        'small',
        'the previous version stays after a failed replacement',
      );
      assert.equal(result.kept?.version, 1);
      assert.ok(result.keptExact);
      assert.equal(result.b, undefined);
      assert.deepEqual(result.bytes, ['small']);
      assert.equal(
        result.outbox,
        1,
        'small writes still work after a quota failure; the failed photo queued no report',
      );
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: quotaServer.origin });
      await cdp.detach();
      await quotaPage.close();
      await quotaServer.close();
    }
  });

  it('requests persistence and estimates usage', async () => {
    const result = await page.evaluate(async (name) => {
      const { withStorage, photo, blobFor } = harness;
      return withStorage(name, async (s) => {
        const before = await s.estimate();
        await s.putVerified(photo('a', 'est', 500_000), blobFor('est', 500_000));
        return {
          before,
          after: await s.estimate(),
          persisted: await s.requestPersistence(),
          granted: await navigator.storage.persisted(),
        };
      });
    }, freshDb());
    assert.ok(result.after.usage >= result.before.usage + 500_000, JSON.stringify(result));
    assert.ok(result.after.quota > result.after.usage);
    assert.equal(
      result.persisted,
      result.granted,
      'requestPersistence reports the grant the browser holds',
    );
  });

  it('leaves no record without its bytes and no orphan bytes when the browser is killed mid-write', async () => {
    const name = freshDb();
    await page.evaluate((n) => {
      const { withStorage, photo, blobFor } = harness;
      const progress = { steps: 0 };
      Object.assign(globalThis, { progress });
      // Replaces, shares and deletes photos in a loop until the process dies.
      void withStorage(n, async (s) => {
        for (let i = 0; ; i++) {
          const id = `p${i % 12}`;
          const checksum = `v${i % 7}`;
          const size = 20_000 + (i % 7) * 1000;
          if (i % 5 === 4) await s.deleteRecords([`p${(i + 3) % 12}`]);
          else
            await s.putVerified(photo(id, checksum, size, { version: i }), blobFor(checksum, size));
          progress.steps = i + 1;
        }
      });
    }, name);
    await page.waitForFunction(
      () => (globalThis as unknown as { progress: { steps: number } }).progress.steps >= 40,
    );
    const pids = await chromiumPids(profile.userDataDir);
    assert.ok(pids.length > 0, 'no Chromium process found for the profile');
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await profile.close();
    await openPage();
    const result = await page.evaluate(async (n) => {
      const { withStorage, withRawDb, holds } = harness;
      // Look before the storage layer's open-time sweep could repair anything.
      const raw = await withRawDb(n, async (db) => ({
        checksums: [
          ...new Set(
            ((await db.getAll('photos')) as { checksum: string }[]).map((r) => r.checksum),
          ),
        ].sort(),
        bytes: ((await db.getAllKeys('bytes')) as string[]).sort(),
      }));
      return withStorage(n, async (s) => {
        const records = await s.listRecords();
        const reads = await Promise.all(
          records.map(async (r) => {
            const got = await s.readPhoto(r.id);
            return got != null && (await holds(got.blob, r.checksum, r.size));
          }),
        );
        return { raw, records: records.length, allExact: reads.every(Boolean) };
      });
    }, name);
    assert.deepEqual(
      result.raw.bytes,
      result.raw.checksums,
      'bytes entries must be exactly the referenced checksums',
    );
    assert.ok(result.records > 0);
    assert.ok(result.allExact, 'a record points at missing or wrong bytes after the crash');
  });
});
