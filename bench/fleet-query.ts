/**
 * Benchmark of the fleet console's overview query (server time, in process, on the embedded SQLite):
 * 500 stores x 5 terminals x 2,000 photos (10 brands of 2,000 photos, each store sees one), i.e.
 * 5,000,000 status rows, with every 10th store's last terminal 100 photos behind (4 of them failing).
 * Reports the first overview after start (every store's progress computed) and the steady state
 * (median of repeated polls, progress cached until a store's photos or reports change), plus one poll
 * right after one terminal reported. Target: steady state < 200 ms.
 *
 *   npm run bench:fleet [-- --stores 500 --terminals 5 --photos 2000 --runs 20]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { FleetService } from '../server/src/fleet/fleet-service';
import { openMetadataRepository } from '../server/src/persistence/sql-metadata';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: '500' },
    terminals: { type: 'string', default: '5' },
    photos: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '20' },
  },
});
const STORES = Number(values.stores);
const TERMINALS = Number(values.terminals);
const PHOTOS = Number(values.photos);
const RUNS = Number(values.runs);
const BRANDS = 10;
const PHOTOS_PER_PRODUCT = 4;

/** Fills the migrated database with plain SQL (the port's one-row writes would take minutes here). */
function populate(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const t = '2026-01-01T00:00:00.000Z';
  const fill = db.transaction(() => {
    db.prepare('INSERT INTO company (id, name) VALUES (?, ?)').run('c', 'Chain');
    const brand = db.prepare('INSERT INTO brands (id, company_id, name) VALUES (?, ?, ?)');
    for (let b = 0; b < BRANDS; b++) brand.run(`b${b}`, 'c', `Brand ${b}`);
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${STORES})
      INSERT INTO stores (id, company_id, code, name) SELECT 's' || i, 'c', printf('S%04d', i), 'Store ' || i FROM n;
      INSERT INTO store_brands (store_id, brand_id, is_active)
        SELECT id, 'b' || (CAST(substr(id, 2) AS INTEGER) % ${BRANDS}), 1 FROM stores;`);
    const products = PHOTOS / PHOTOS_PER_PRODUCT;
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ${products * BRANDS})
      INSERT INTO products (id, brand_id, sku, name, active)
        SELECT 'p' || i, 'b' || (i % ${BRANDS}), 'SKU' || i, 'Product ' || i, 1 FROM n;
      WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < ${PHOTOS_PER_PRODUCT})
      INSERT INTO product_photos (id, product_id, object_key, filename, size, content_type, checksum,
          version, is_primary, sort_order, created_at, updated_at)
        SELECT p.id || '-' || j, p.id, p.id || '-' || j, 'photo.jpg', 1000, 'image/jpeg',
          '00000000000000000000000000000000', 1, j = 0, j, '${t}', '${t}' FROM products p, k;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 <= ${TERMINALS})
      INSERT INTO terminals (store_id, terminal_id, name, first_report_at, last_report_at)
        SELECT s.id, 'till-' || i, 'Kasir ' || i, '${t}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        FROM stores s, n;
      INSERT INTO sync_status (store_id, photo_id, terminal_id, status, synced_at, error, reported_at,
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
        WHERE NOT (lagging AND p.rank BETWEEN 1 AND 24);`);
  });
  fill();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = await mkdtemp(join(tmpdir(), 'pps-fleet-bench-'));
try {
  const file = join(dir, 'ho.sqlite');
  await (await openMetadataRepository({ sqlite: file })).close();
  let started = performance.now();
  populate(file);
  console.log(
    `Catalog: ${STORES} stores x ${TERMINALS} terminals x ${PHOTOS} photos (${(STORES * TERMINALS * PHOTOS).toLocaleString('en-US')} status rows) written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const meta = await openMetadataRepository({ sqlite: file });
  const fleet = new FleetService(meta, Date.now, 86_400);
  const poll = async () => {
    const t0 = performance.now();
    const answer = await fleet.overview({ limit: 50, offset: 0, sort: 'state' });
    JSON.stringify(answer);
    return { ms: performance.now() - t0, answer };
  };
  started = performance.now();
  const first = await poll();
  console.log(
    `First overview after start (all progress computed): ${first.ms.toFixed(0)} ms; counts ${JSON.stringify(first.answer.counts)}`,
  );
  const steady: number[] = [];
  for (let i = 0; i < RUNS; i++) steady.push((await poll()).ms);
  const warm = median(steady);
  const store = first.answer.stores[0]!.store_id;
  await meta.recordStatus(store, 'till-1', [], 'Kasir 1');
  const afterReport = await poll();
  console.log(
    `Steady overview (median of ${RUNS} polls): ${warm.toFixed(1)} ms (target < 200 ms: ${warm < 200 ? 'met' : 'NOT met'})`,
  );
  console.log(`Overview right after one terminal reported: ${afterReport.ms.toFixed(1)} ms`);
  await meta.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
