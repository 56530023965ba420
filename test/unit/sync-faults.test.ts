/** Engine under HO and network faults: bad bytes never stored, retries, timeouts, failures remembered. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { world } from './fakes/world';

for (const fault of ['corrupt', 'truncate', 'x-checksum'] as const) {
  test(`${fault}: bad bytes are never stored, the old version stays, the failure is reported`, async () => {
    const w = await world();
    try {
      const ids = w.ho.seed(4);
      await w.engine.sync();
      const victim = ids[1]!;
      const oldChecksum = w.ho.checksum(victim);
      w.ho.replacePhoto(victim);
      if (fault === 'corrupt') w.ho.corrupt(victim, 4);
      if (fault === 'truncate') w.ho.truncate(victim, 4);
      if (fault === 'x-checksum') w.ho.xChecksumOverride.set(victim, 'f'.repeat(32));
      const p = await w.engine.sync();
      const reason = fault === 'truncate' ? 'size mismatch' : 'checksum mismatch';
      assert.deepEqual(
        p.failures.map((f) => [f.photo_id, f.reason, f.attempts]),
        [[victim, reason, 1]],
      );
      assert.equal(w.ho.downloadsOf(victim), 1 + 4, 'retried within the run up to maxAttempts');
      assert.equal(
        w.storage.records.get(victim)!.checksum,
        oldChecksum,
        'previous good version kept',
      );
      await w.verifiedIds(); // throws if any stored byte does not match its record
      assert.deepEqual(w.reportsOf(victim).at(-1), {
        photo_id: victim,
        status: 'failed',
        synced_at: null,
        error: reason,
      });

      // The fault clears: the next run fixes it even though the listing has moved on.
      w.ho.xChecksumOverride.clear();
      w.clock.advance(2 * 60 * 60 * 1000);
      const fixed = await w.engine.sync();
      assert.deepEqual(fixed.failures, []);
      assert.deepEqual(await w.verifiedIds(), [...ids].sort());
      assert.equal(w.reportsOf(victim).at(-1)?.status, 'synced');
    } finally {
      w.close();
    }
  });
}

test('a transient corruption is retried within the run and stored once verified', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(3);
    w.ho.corrupt(ids[0]!, 1);
    w.ho.truncate(ids[1]!, 2);
    const p = await w.engine.sync();
    assert.deepEqual(p.failures, []);
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    assert.equal(w.ho.downloadsOf(ids[1]!), 3);
  } finally {
    w.close();
  }
});

test('500 backs off exponentially with jitter; 503 and 429 honour Retry-After (seconds and HTTP date)', async () => {
  const w = await world({ concurrency: 1 });
  try {
    const [a, b, c] = w.ho.seed(3) as [string, string, string];
    w.ho.failWith('list', 500, 1);
    w.ho.failWith('download', 500, 2, a);
    w.ho.failWith('download', 503, 1, b, { 'Retry-After': '7' });
    const date = new Date(Date.parse('2030-01-01T00:00:00Z')).toUTCString();
    const later = new Date(Date.parse('2030-01-01T00:00:11Z')).toUTCString();
    w.ho.failWith('download', 429, 1, c, { 'Retry-After': later, Date: date });
    const p = await w.engine.sync();
    assert.deepEqual(p.failures, []);
    assert.deepEqual(await w.verifiedIds(), [a, b, c].sort());
    const waits = w.clock.sleeps.filter((ms) => ms !== 5000);
    // backoffBaseMs 200, random 0.5: 150 after the first failure, 300 after the second (equal jitter).
    assert.deepEqual(
      waits.filter((ms) => ms === 150 || ms === 300),
      [150, 150, 300],
    );
    assert.ok(waits.includes(7000), 'Retry-After seconds honoured');
    assert.ok(waits.includes(11000), 'Retry-After date measured against the response Date');
  } finally {
    w.close();
  }
});

test('a Retry-After beyond maxRetryAfterMs ends the attempt; the photo is retried on a later run', async () => {
  const w = await world();
  try {
    const [a] = w.ho.seed(1) as [string];
    w.ho.failWith('download', 503, 1, a, { 'Retry-After': '3600' });
    const p = await w.engine.sync();
    assert.deepEqual(
      p.failures.map((f) => f.reason),
      ['HTTP 503'],
    );
    assert.ok(!w.clock.sleeps.includes(3_600_000));
    w.clock.advance(2 * 60 * 60 * 1000);
    assert.deepEqual((await w.engine.sync()).failures, []);
  } finally {
    w.close();
  }
});

test('requests that never answer time out, are retried, and count as "timeout" when they keep hanging', async () => {
  const w = await world();
  try {
    const [a, b] = w.ho.seed(2) as [string, string];
    w.ho.hang('download', 1, a);
    w.ho.hang('download', 4, b);
    const p = await w.engine.sync();
    assert.deepEqual(
      p.failures.map((f) => [f.photo_id, f.reason]),
      [[b, 'timeout']],
    );
    assert.deepEqual(await w.verifiedIds(), [a]);
    assert.ok(w.clock.sleeps.filter((ms) => ms === 5000).length >= 5);
  } finally {
    w.close();
  }
});

test('a body that stalls mid-way times out and is downloaded again', async () => {
  const w = await world();
  try {
    const [a] = w.ho.seed(1, 5000) as [string];
    w.ho.stall(a, 2000);
    const p = await w.engine.sync();
    assert.deepEqual(p.failures, []);
    assert.deepEqual(await w.verifiedIds(), [a]);
  } finally {
    w.close();
  }
});

test('a failed photo is not forgotten behind the watermark: retried after its backoff even when not listed again', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(5);
    const victim = ids[0]!;
    w.ho.failWith('download', 500, 4, victim);
    const first = await w.engine.sync();
    assert.deepEqual(
      first.failures.map((f) => f.photo_id),
      [victim],
    );
    w.ho.addPhoto(6); // the watermark moves past the victim's updated_at
    const second = await w.engine.sync();
    const since = w.ho.seen('list').at(-1)!.url.searchParams.get('since');
    assert.ok(since !== null, 'incremental listing');
    assert.equal(w.ho.downloadsOf(victim), 4, 'not retried before its backoff');
    assert.deepEqual(
      second.failures.map((f) => f.photo_id),
      [victim],
    );
    w.clock.advance(60_000);
    const third = await w.engine.sync();
    assert.deepEqual(third.failures, []);
    assert.equal(w.ho.downloadsOf(victim), 5);
    assert.deepEqual(await w.verifiedIds(), [...w.ho.photos.keys()].sort());
  } finally {
    w.close();
  }
});

test('"Sync now" with retryFailedNow retries failures before their backoff', async () => {
  const w = await world();
  try {
    const [a] = w.ho.seed(1) as [string];
    w.ho.failWith('download', 500, 4, a);
    await w.engine.sync();
    const p = await w.engine.sync({ retryFailedNow: true });
    assert.deepEqual(p.failures, []);
  } finally {
    w.close();
  }
});

test('offline: the run stops as offline, nothing is marked failed, and the next run completes', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(3);
    w.ho.offline = true;
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'offline');
    assert.deepEqual(p.failures, []);
    w.ho.offline = false;
    const q = await w.engine.sync();
    assert.equal(q.status.kind, 'idle');
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
  } finally {
    w.close();
  }
});

test('offline spell: marked at the first failed request (before the retries end), kept by a restarted engine, ended by any answer', async () => {
  const w = await world();
  try {
    w.ho.seed(2);
    w.ho.offline = true;
    const start = w.clock.now();
    const p = await w.engine.sync();
    assert.equal(
      p.offlineSince,
      new Date(start).toISOString(),
      'the spell starts at the first failure, not when the retries give up',
    );
    const duringRun = w.term.progress.filter((s) => s.status.kind === 'syncing');
    assert.ok(
      duringRun.some((s) => s.offlineSince !== null),
      'pages see the offline spell while the run still retries',
    );

    // A restarted worker knows the spell before it sends anything.
    w.boot();
    assert.equal((await w.engine.progress()).offlineSince, p.offlineSince);

    // Still down: a later run keeps the original start.
    w.clock.advance(60_000);
    assert.equal((await w.engine.sync()).offlineSince, p.offlineSince);

    // An error status is an answer: the HO is reachable again, whatever the run ends in.
    w.ho.offline = false;
    w.ho.failWith('list', 500, 100);
    const q = await w.engine.sync();
    assert.equal(q.status.kind, 'error');
    assert.equal(q.offlineSince, null);
    w.boot();
    assert.equal(
      (await w.engine.progress()).offlineSince,
      null,
      'the end of the spell is persisted too',
    );
  } finally {
    w.close();
  }
});

test('checkConnection: one small list request tells whether the HO answers, without a run or its retries', async () => {
  const w = await world();
  try {
    w.ho.seed(3);
    await w.engine.sync();
    const before = w.ho.requests.length;
    w.ho.offline = true;
    const down = await w.engine.checkConnection();
    assert.equal(down.offlineSince, new Date(w.clock.now()).toISOString());
    assert.equal(down.status.kind, 'idle', 'a probe is not a run: the last run stays the state');
    w.boot();
    assert.equal(
      (await w.engine.progress()).offlineSince,
      down.offlineSince,
      'persisted for a restarted worker',
    );

    // The HO answers, even with an error: reachable again, after exactly one request (no retries).
    w.ho.offline = false;
    w.ho.failWith('list', 500, 10);
    const up = await w.engine.checkConnection();
    assert.equal(up.offlineSince, null);
    assert.equal(up.status.kind, 'idle');
    assert.deepEqual(up.failures, []);
    const probes = w.ho.requests.slice(before);
    assert.equal(probes.length, 1);
    assert.equal(probes[0]!.route, 'list');
    assert.equal(probes[0]!.url.searchParams.get('limit'), '1');
  } finally {
    w.close();
  }
});

test('quota exceeded stops the run cleanly, keeps what is stored, and resumes once space is back', async () => {
  const w = await world({ concurrency: 1 });
  try {
    const ids = w.ho.seed(5, 1000);
    w.storage.quotaBytes = 2500;
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'quota');
    assert.equal(p.held, 2);
    assert.deepEqual(
      p.failures.map((f) => f.reason),
      ['storage full'],
    );
    assert.equal(w.ho.seen('download').length, 3, 'no downloads after the quota error');
    w.storage.quotaBytes = Number.POSITIVE_INFINITY;
    const q = await w.engine.sync();
    assert.equal(q.status.kind, 'idle');
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
  } finally {
    w.close();
  }
});

test('a malformed row is reported by field, never stored, and holds the watermark back', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(4);
    const bad = ids[2]!;
    w.ho.rowHook = (row) => (row.id === bad ? { ...row, checksum: 'not-a-checksum' } : row);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.deepEqual(await w.verifiedIds(), ids.filter((id) => id !== bad).sort());
    const engine = w.storage.state.get('engine') as { watermark: string | null };
    assert.equal(engine.watermark, null, 'watermark not committed past an invalid row');
    w.ho.rowHook = null;
    await w.engine.sync();
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
  } finally {
    w.close();
  }
});

test('a malformed page is an error naming the field; unreadable rows never cause deletions', async () => {
  const w = await world();
  try {
    w.ho.seed(3);
    await w.engine.sync();
    const before = [...w.storage.records.keys()].sort();
    w.ho.failWith('list', 200, 1); // 200 with an error body: no photos array
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'error');
    assert.deepEqual((p.status as { problem: unknown }).problem, {
      code: 'http.invalid-response',
      field: 'photos',
    });

    w.ho.deletedIds = false;
    w.ho.rowHook = () => ({ nonsense: true });
    w.ho.deletePhoto(before[0]!);
    const q = await w.engine.sync({ full: true });
    assert.equal(q.status.kind, 'idle');
    assert.deepEqual(
      [...w.storage.records.keys()].sort(),
      before,
      'rows without ids block reconciliation',
    );
  } finally {
    w.close();
  }
});

test('a connection reset mid-body is a retryable "connection closed": retried within the run, not offline', async () => {
  const w = await world({ partialCheckpointBytes: 1000 });
  try {
    const ids = w.ho.seed(4, 5000);
    w.ho.reset(ids[0]!, 1);
    w.ho.reset(ids[1]!, 4);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle', 'the run is not ended as offline');
    assert.equal(p.held, 3);
    assert.deepEqual(
      p.failures.map((f) => [f.photo_id, f.reason]),
      [[ids[1], 'connection closed']],
      'never "internal error"',
    );
    assert.equal(w.ho.downloadsOf(ids[0]!), 2, 'one reset, one retry in the same run');
    const resumed = w.ho.requests.filter((r) => r.route === 'download' && r.id === ids[0]).at(-1)!;
    assert.match(
      resumed.headers.get('range') ?? '',
      /^bytes=\d+-$/,
      'the retry resumes the bytes received before the reset',
    );
    assert.equal(w.ho.downloadsOf(ids[1]!), 4, 'retried up to maxAttempts');
    assert.deepEqual(w.reportsOf(ids[1]!).at(-1), {
      photo_id: ids[1],
      status: 'failed',
      synced_at: null,
      error: 'connection closed',
    });
    await w.verifiedIds();

    const q = await w.engine.sync({ retryFailedNow: true });
    assert.equal(q.held, 4);
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
  } finally {
    w.close();
  }
});
