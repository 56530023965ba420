/** `npm run bench` options: --only picks scenarios by name (everything by default), --latencies the full-sync latencies, --floor its floor variants; bad values are usage errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLOOR_VARIANTS } from '../../bench/floor-protocol';
import { parseBenchArgs, SCENARIOS } from '../../bench/options';

test('without --only every scenario runs', () => {
  assert.deepEqual([...parseBenchArgs([]).only], [...SCENARIOS]);
  assert.ok(parseBenchArgs(['--quick']).only.has('flat-cost'));
});

test('--only runs just the named scenarios', () => {
  const { only } = parseBenchArgs(['--quick', '--only', 'full-sync,flat-cost']);
  assert.deepEqual([...only].sort(), ['flat-cost', 'full-sync']);
  assert.deepEqual([...parseBenchArgs(['--only', ' gallery ']).only], ['gallery']);
});

test('--only with an unknown or empty name is a usage error naming the known scenarios', () => {
  for (const bad of ['full-sync,floor', '', 'full-sync,', 'FULL-SYNC']) {
    assert.throws(
      () => parseBenchArgs(['--only', bad]),
      (e: Error) =>
        /--only: unknown name/.test(e.message) &&
        /Usage:/.test(e.message) &&
        e.message.includes(SCENARIOS.join(', ')),
      bad,
    );
  }
  assert.throws(() => parseBenchArgs(['--only']), /Usage:/, 'a missing value');
});

test('the flat-cost catalogs: 2,000 and 20,000 photos of ~3 KB, 200 and 2,000 in a quick run', () => {
  const full = parseBenchArgs([]);
  assert.deepEqual(full.flatCostPhotos, [2000, 20_000]);
  assert.equal(full.flatCostAvgBytes, 3000);
  assert.deepEqual(parseBenchArgs(['--quick']).flatCostPhotos, [200, 2000]);
});

test('--latencies picks the full-sync latencies; nonsense is a usage error', () => {
  assert.deepEqual(parseBenchArgs([]).latenciesMs, [0, 30]);
  assert.deepEqual(parseBenchArgs(['--quick']).latenciesMs, [30]);
  assert.deepEqual(parseBenchArgs(['--quick', '--latencies', '0']).latenciesMs, [0]);
  assert.deepEqual(parseBenchArgs(['--latencies', '0, 60']).latenciesMs, [0, 60]);
  for (const bad of ['', 'fast', '-1', '1.5', '0,,30'])
    assert.throws(() => parseBenchArgs([`--latencies=${bad}`]), /--latencies takes/, bad);
});

test('--floor picks the floor variants (all by default, none with none); an unknown one is a usage error', () => {
  assert.deepEqual(parseBenchArgs([]).floor, [...FLOOR_VARIANTS]);
  assert.ok(FLOOR_VARIANTS.includes('store') && FLOOR_VARIANTS.includes('packed'));
  assert.deepEqual(parseBenchArgs(['--floor', 'store, read']).floor, ['store', 'read']);
  assert.deepEqual(parseBenchArgs(['--floor', 'none']).floor, []);
  for (const bad of ['', 'disk', 'store,'])
    assert.throws(() => parseBenchArgs([`--floor=${bad}`]), /--floor: unknown name.*Usage:/s, bad);
});
