/**
 * Fleet summaries kept at write time (migration 0005): each store's count of the photos it sees
 * (`stores.photos`) and, in each `terminals` row, how many of the
 * store's current photos the terminal reported synced at their current version, how many it reports
 * failing, and the oldest updated_at among the current photos it lacks. The fleet overview reads them
 * as they are (O(stores + terminals) rows), so no server instance needs a cache of its own.
 *
 * Every write that changes what a store sees or what a terminal holds goes through `keepSummaries`
 * (catalog changes, in their own transaction) or `recomputeTerminal` (status reports).
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { IsoTime } from './types';

/** What the in-scope photos matching a condition add to one terminal's summary. */
interface Contribution {
  synced: number;
  failing: number;
  /** Oldest updated_at among those photos the terminal does not hold at their current version. */
  oldest_missing: IsoTime | null;
  /** The terminal's stored behind_since (read in the same statement). */
  behind_since: IsoTime | null;
}

/** The sync_status row `st` says the photo `ph` is on the terminal at its current version. */
export const SYNCED_NOW = sql`st.status = 'synced' AND st.photo_version = ph.version`;
/** Negation of SYNCED_NOW that also holds when a LEFT JOIN found no row (NULLs). */
export const NOT_SYNCED_NOW = sql`(st.status IS NULL OR st.status <> 'synced' OR st.photo_version IS NULL
  OR st.photo_version <> ph.version)`;

const NONE: Contribution = { synced: 0, failing: 0, oldest_missing: null, behind_since: null };

const keyOf = (store_id: string, terminal_id: string) => JSON.stringify([store_id, terminal_id]);

/**
 * The contribution of the in-scope photos matching `photos` (a condition on `ph` and `p`) to every
 * terminal matching `terminals` (a condition on `t`) whose store sees at least one of them.
 */
async function contributions<DB>(
  db: Kysely<DB>,
  photos: RawBuilder<unknown>,
  terminals: RawBuilder<unknown>,
): Promise<Map<string, Contribution>> {
  const found = await sql<{
    store_id: string;
    terminal_id: string;
    synced: number | string;
    failing: number | string;
    oldest_missing: IsoTime | null;
    behind_since: IsoTime | null;
  }>`SELECT t.store_id, t.terminal_id, t.behind_since,
      sum(CASE WHEN ${SYNCED_NOW} THEN 1 ELSE 0 END) AS synced,
      sum(CASE WHEN st.status = 'failed' THEN 1 ELSE 0 END) AS failing,
      min(CASE WHEN ${NOT_SYNCED_NOW} THEN ph.updated_at END) AS oldest_missing
    FROM terminals t
    JOIN store_brands sb ON sb.store_id = t.store_id AND sb.is_active = 1
    JOIN products p ON p.brand_id = sb.brand_id AND p.active = 1
    JOIN product_photos ph ON ph.product_id = p.id
    LEFT JOIN sync_status st ON st.store_id = t.store_id AND st.photo_id = ph.id
      AND st.terminal_id = t.terminal_id
    WHERE (${photos}) AND (${terminals})
    GROUP BY t.store_id, t.terminal_id, t.behind_since`.execute(db);
  return new Map(
    found.rows.map((r) => [
      keyOf(r.store_id, r.terminal_id),
      {
        synced: Number(r.synced),
        failing: Number(r.failing),
        oldest_missing: r.oldest_missing,
        behind_since: r.behind_since,
      },
    ]),
  );
}

async function store<DB>(db: Kysely<DB>, key: string, set: RawBuilder<unknown>): Promise<void> {
  const [store_id, terminal_id] = JSON.parse(key) as [string, string];
  await sql`UPDATE terminals SET ${set}
    WHERE store_id = ${store_id} AND terminal_id = ${terminal_id}`.execute(db);
}

/** Sets the summary of the terminals matching `terminals` from scratch (every photo of their store). */
export async function recomputeTerminals<DB>(
  db: Kysely<DB>,
  terminals: RawBuilder<unknown>,
): Promise<void> {
  const fresh = await contributions(db, sql`1 = 1`, terminals);
  // Terminals whose store sees no photo at all have no row: reset them first.
  await sql`UPDATE terminals AS t SET synced = 0, failing = 0, behind_since = NULL
    WHERE ${terminals}`.execute(db);
  for (const [key, c] of fresh) {
    await store(
      db,
      key,
      sql`synced = ${c.synced}, failing = ${c.failing}, behind_since = ${c.oldest_missing}`,
    );
  }
}

/** Sets one terminal's summary from scratch (after a status report). */
export function recomputeTerminal<DB>(
  db: Kysely<DB>,
  store_id: string,
  terminal_id: string,
): Promise<void> {
  return recomputeTerminals(db, sql`t.store_id = ${store_id} AND t.terminal_id = ${terminal_id}`);
}

/** What a catalog change may touch, as SQL conditions. */
export interface Touched {
  /** On `ph` and `p`: every photo whose version, updated_at or scope the change may alter. */
  photos: RawBuilder<unknown>;
  /** On `t`: every terminal whose summary may move. */
  terminals: RawBuilder<unknown>;
  /** On `sb.store_id`: every store whose photo count may move. */
  stores: RawBuilder<unknown>;
}

/** How many of the photos matching `photos` each store matching `stores` sees now. */
async function storeCounts<DB>(
  db: Kysely<DB>,
  photos: RawBuilder<unknown>,
  stores: RawBuilder<unknown>,
): Promise<Map<string, number>> {
  const found = await sql<{
    store_id: string;
    n: number | string;
  }>`SELECT sb.store_id, count(*) AS n
    FROM store_brands sb
    JOIN products p ON p.brand_id = sb.brand_id AND p.active = 1
    JOIN product_photos ph ON ph.product_id = p.id
    WHERE sb.is_active = 1 AND (${photos}) AND (${stores})
    GROUP BY sb.store_id`.execute(db);
  return new Map(found.rows.map((r) => [r.store_id, Number(r.n)]));
}

/** Sets every store's photo count and every terminal's summary from scratch (migration 0005). */
export async function rebuildSummaries<DB>(db: Kysely<DB>): Promise<void> {
  await sql`UPDATE stores SET photos = 0`.execute(db);
  for (const [store_id, n] of await storeCounts(db, sql`1 = 1`, sql`1 = 1`))
    await sql`UPDATE stores SET photos = ${n} WHERE id = ${store_id}`.execute(db);
  await recomputeTerminals(db, sql`1 = 1`);
}

/**
 * Runs `change` (a catalog write inside the caller's transaction) and adjusts the summaries it
 * affects (see Touched): each store's photo count and each terminal's summary. Counters move by the difference of those photos' contribution before and after.
 * behind_since is a minimum: when the terminal's stored minimum came from outside those photos it
 * is still a bound for them, so min(stored, their new oldest missing) is exact; when it came from
 * one of them the terminal is recomputed whole (rare: only terminals whose oldest gap was touched).
 */
export async function keepSummaries<DB, T>(
  db: Kysely<DB>,
  { photos, terminals, stores }: Touched,
  change: () => Promise<T>,
): Promise<T> {
  const before = await contributions(db, photos, terminals);
  const countedBefore = await storeCounts(db, photos, stores);
  const result = await change();
  const after = await contributions(db, photos, terminals);
  const countedAfter = await storeCounts(db, photos, stores);
  for (const store_id of new Set([...countedBefore.keys(), ...countedAfter.keys()])) {
    const moved = (countedAfter.get(store_id) ?? 0) - (countedBefore.get(store_id) ?? 0);
    if (moved !== 0)
      await sql`UPDATE stores SET photos = photos + ${moved} WHERE id = ${store_id}`.execute(db);
  }
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? NONE;
    const a = after.get(key) ?? NONE;
    const stored = before.get(key)?.behind_since ?? a.behind_since;
    if (b.oldest_missing !== null && stored === b.oldest_missing) {
      const [store_id, terminal_id] = JSON.parse(key) as [string, string];
      await recomputeTerminal(db, store_id, terminal_id);
      continue;
    }
    const since = earliest(stored, a.oldest_missing);
    if (a.synced === b.synced && a.failing === b.failing && since === stored) continue;
    await store(
      db,
      key,
      sql`synced = synced + ${a.synced - b.synced}, failing = failing + ${a.failing - b.failing},
        behind_since = ${since}`,
    );
  }
  return result;
}

function earliest(a: IsoTime | null, b: IsoTime | null): IsoTime | null {
  if (a === null) return b;
  return b === null || a < b ? a : b;
}
