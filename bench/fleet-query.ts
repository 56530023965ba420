/**
 * Benchmark of the fleet console's overview query (server time, in process) on the embedded SQLite
 * and on PostgreSQL (a throwaway cluster this script starts): 500 stores x 5 terminals x 2,000 photos
 * (10 brands of 2,000 photos, each store sees one), i.e. 5,000,000 status rows, with every 10th
 * store's last terminal 100 photos behind (4 of them failing). Terminal summaries are kept by the
 * database at write time, so each measurement runs in a fresh child process (no warm state of
 * ours) and reports: the first overview after the process started, the median of repeated polls,
 * one status report (write) and the overview right after it, one photo replacement (write: every
 * terminal of the 50 stores seeing it adjusted) and the overview right after it. Target: every
 * overview < 200 ms.
 *
 *   npm run bench:fleet [-- --stores 500 --terminals 5 --photos 2000 --runs 20 --backends sqlite,postgres]
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { startPostgres } from '../scripts/postgres';
import { FleetService } from '../server/src/fleet/fleet-service';
import { type DatabaseTarget, openDatabase } from '../server/src/persistence/database';
import { openMetadataRepository } from '../server/src/persistence/sql-metadata';
import { rebuildSummaries } from '../server/src/persistence/terminal-summaries';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: '500' },
    terminals: { type: 'string', default: '5' },
    photos: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '20' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    /** Internal: measure the database at this JSON DatabaseTarget (run in a child process). */
    measure: { type: 'string' },
  },
});
const STORES = Number(values.stores);
const TERMINALS = Number(values.terminals);
const PHOTOS = Number(values.photos);
const RUNS = Number(values.runs);
const BRANDS = 10;
const PHOTOS_PER_PRODUCT = 4;

/** Fills the migrated database with plain SQL both dialects accept (port writes would take hours). */
async function populate(db: Kysely<unknown>): Promise<void> {
  const t = '2026-01-01T00:00:00.000Z';
  const now = new Date().toISOString();
  const num = (expr: string) => `CAST(${expr} AS TEXT)`;
  const products = (PHOTOS / PHOTOS_PER_PRODUCT) * BRANDS;
  const statements = [
    `INSERT INTO company (id, name) VALUES ('c', 'Chain')`,
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${BRANDS})
      INSERT INTO brands (id, company_id, name) SELECT 'b' || ${num('i')}, 'c', 'Brand ' || ${num('i')} FROM n`,
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${STORES})
      INSERT INTO stores (id, company_id, code, name)
        SELECT 's' || ${num('i')}, 'c', 'S' || ${num('10000 + i')}, 'Store ' || ${num('i')} FROM n`,
    `INSERT INTO store_brands (store_id, brand_id, is_active)
      SELECT id, 'b' || ${num(`CAST(substr(id, 2) AS INTEGER) % ${BRANDS}`)}, 1 FROM stores`,
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${products})
      INSERT INTO products (id, brand_id, sku, name, active)
        SELECT 'p' || ${num('i')}, 'b' || ${num(`i % ${BRANDS}`)}, 'SKU' || ${num('i')},
          'Product ' || ${num('i')}, 1 FROM n`,
    `WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < ${PHOTOS_PER_PRODUCT})
      INSERT INTO product_photos (id, product_id, object_key, filename, size, content_type, checksum,
          version, is_primary, sort_order, created_at, updated_at)
        SELECT p.id || '-' || ${num('j')}, p.id, p.id || '-' || ${num('j')}, 'photo.jpg', 1000,
          'image/jpeg', '00000000000000000000000000000000', 1, CASE WHEN j = 0 THEN 1 ELSE 0 END, j,
          '${t}', '${t}' FROM products p, k`,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 <= ${TERMINALS})
      INSERT INTO terminals (store_id, terminal_id, name, first_report_at, last_report_at)
        SELECT s.id, 'till-' || ${num('i')}, 'Kasir ' || ${num('i')}, '${t}', '${now}' FROM stores s, n`,
    `INSERT INTO sync_status (store_id, photo_id, terminal_id, status, synced_at, error, reported_at,
          photo_version)
        SELECT t.store_id, ph.id, t.terminal_id,
          CASE WHEN lagging AND p.rank = 0 THEN 'failed' ELSE 'synced' END, '${t}',
          CASE WHEN lagging AND p.rank = 0 THEN 'checksum mismatch' END, '${t}', 1
        FROM (SELECT store_id, terminal_id, (CAST(substr(store_id, 2) AS INTEGER) % 10 = 0
                AND terminal_id = 'till-${TERMINALS}') AS lagging FROM terminals) t
        JOIN store_brands sb ON sb.store_id = t.store_id
        JOIN (SELECT id, brand_id, CAST(substr(id, 2) AS INTEGER) / ${BRANDS} AS rank FROM products) p
          ON p.brand_id = sb.brand_id
        JOIN product_photos ph ON ph.product_id = p.id
        WHERE NOT (lagging AND p.rank BETWEEN 1 AND 24)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Migrates, fills and sums up a fresh database at `target`; returns the seconds each part took. */
async function prepare(target: DatabaseTarget): Promise<{ fill: number; summaries: number }> {
  await (await openMetadataRepository(target)).close();
  const { db } = openDatabase(target);
  try {
    let started = performance.now();
    await db.transaction().execute((trx) => populate(trx as unknown as Kysely<unknown>));
    // Fresh statistics, as a long-running database has them (PostgreSQL plans by them).
    await sql`ANALYZE`.execute(db);
    const fill = (performance.now() - started) / 1000;
    // The bulk rows bypassed the repository, so their summaries are computed the way migration 0005
    // computes them for an existing database.
    started = performance.now();
    await db.transaction().execute((trx) => rebuildSummaries(trx as unknown as Kysely<unknown>));
    return { fill, summaries: (performance.now() - started) / 1000 };
  } finally {
    await db.destroy();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The child: measures overviews and writes on a prepared database, prints one JSON line. */
async function measure(target: DatabaseTarget): Promise<void> {
  const meta = await openMetadataRepository(target);
  const fleet = new FleetService(meta, Date.now, 86_400);
  const timed = async <T>(fn: () => Promise<T>) => {
    const t0 = performance.now();
    const result = await fn();
    return { ms: performance.now() - t0, result };
  };
  const poll = () =>
    timed(async () => {
      const answer = await fleet.overview({ limit: 50, offset: 0, sort: 'state' });
      JSON.stringify(answer);
      return answer;
    });
  const first = await poll();
  const steady: number[] = [];
  for (let i = 0; i < RUNS; i++) steady.push((await poll()).ms);
  const store = 's1';
  const synced = { status: 'synced', synced_at: '2026-01-02T00:00:00.000Z', error: null } as const;
  const report = await timed(() =>
    meta.recordStatus(store, 'till-1', [{ photo_id: 'p1-0', ...synced }], 'Kasir 1'),
  );
  const afterReport = await poll();
  const replace = await timed(() =>
    meta.replacePhoto('p0-1', {
      object_key: randomUUID(),
      filename: 'new.jpg',
      size: 1000,
      content_type: 'image/jpeg',
      checksum: '1'.repeat(32),
      expected_version: 1,
    }),
  );
  const afterReplace = await poll();
  await meta.close();
  console.log(
    JSON.stringify({
      first: first.ms,
      counts: first.result.counts,
      steady: median(steady),
      report: report.ms,
      afterReport: afterReport.ms,
      replace: replace.ms,
      afterReplace: afterReplace.ms,
      countsAfterReplace: afterReplace.result.counts,
    }),
  );
}

async function run(backend: string, target: DatabaseTarget): Promise<void> {
  const { fill, summaries } = await prepare(target);
  console.log(
    `[${backend}] ${STORES} stores x ${TERMINALS} terminals x ${PHOTOS} photos (${(STORES * TERMINALS * PHOTOS).toLocaleString('en-US')} status rows) written in ${fill.toFixed(1)} s; fleet summaries (store photo counts, terminal progress) computed from scratch as migration 0005 does in ${summaries.toFixed(1)} s`,
  );
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/fleet-query.ts',
      ...process.argv.slice(2),
      '--measure',
      JSON.stringify(target),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const m = JSON.parse(out.trim().split('\n').pop()!);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `[${backend}] first overview after a fresh process start: ${ms(m.first)}; counts ${JSON.stringify(m.counts)}`,
  );
  console.log(`[${backend}] overview, median of ${RUNS} polls: ${ms(m.steady)}`);
  console.log(
    `[${backend}] one status report (write, 1 item): ${ms(m.report)}; overview right after: ${ms(m.afterReport)}`,
  );
  console.log(
    `[${backend}] one photo replaced (write, the ${(STORES / BRANDS) * TERMINALS} terminals seeing it adjusted): ${ms(m.replace)}; overview right after: ${ms(m.afterReplace)}; counts ${JSON.stringify(m.countsAfterReplace)}`,
  );
  const worst = Math.max(m.first, m.steady, m.afterReport, m.afterReplace);
  console.log(
    `[${backend}] target < 200 ms for every overview: ${worst < 200 ? 'met' : 'NOT met'}`,
  );
}

if (values.measure !== undefined) {
  await measure(JSON.parse(values.measure) as DatabaseTarget);
} else {
  const backends = values.backends.split(',');
  if (backends.includes('sqlite')) {
    const dir = await mkdtemp(join(tmpdir(), 'pps-fleet-bench-'));
    try {
      await run('sqlite', { sqlite: join(dir, 'ho.sqlite') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (backends.includes('postgres')) {
    const cluster = await startPostgres();
    try {
      const url = new URL(cluster.url);
      const { db } = openDatabase({ postgres: cluster.url }, 1);
      await sql.raw('CREATE DATABASE fleet_bench').execute(db);
      await db.destroy();
      url.pathname = '/fleet_bench';
      await run('postgres', { postgres: url.href });
    } finally {
      await cluster.stop();
    }
  }
}
