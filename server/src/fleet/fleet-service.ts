/**
 * The fleet console's read model: which terminals of which stores hold every current photo, which
 * are behind (by how many, since when, failing why) and which went silent. Everything is read
 * through the metadata port. Each terminal's progress is a summary the database keeps at write time,
 * so an overview reads O(stores + terminals) rows plus the failures of the page it returns, and any
 * number of server instances sharing the database answer alike (nothing is cached in process).
 */
import {
  FAILURES_SHOWN,
  type FleetOverview,
  type FleetSort,
  type StateCounts,
  type StoreDetail,
  type StoreSummary,
  type TerminalDetail,
  type TerminalState,
  type TerminalSummary,
} from '../../../src/shared/fleet-api';
import { NotFoundError } from '../persistence/errors';
import { isoFromMs } from '../persistence/iso-time';
import type {
  FailureRecord,
  MetadataRepository,
  Store,
  TerminalRecord,
} from '../persistence/types';

/** Filters, order and page of the overview. */
export interface FleetQuery {
  limit: number;
  offset: number;
  store_id?: string;
  state?: TerminalState;
  /** Case-insensitive text in a store's code or name, or a terminal's id or name. */
  q?: string;
  sort: FleetSort;
}

/** An offset page request. */
export interface PageQuery {
  limit: number;
  offset: number;
}

const STATE_RANK: Record<TerminalState, number> = { current: 0, behind: 1, silent: 2 };

/** Fleet queries for the admin console. `clock` is epoch ms; silence is measured against it. */
export class FleetService {
  constructor(
    private readonly meta: MetadataRepository,
    private readonly clock: () => number,
    /** A terminal with no report for this many seconds is silent. */
    readonly silentAfterS: number,
  ) {}

  /** The overview page: stores with their terminals, filtered, sorted and paged, plus state counts. */
  async overview(query: FleetQuery): Promise<FleetOverview> {
    const now = this.clock();
    const photoCounts = await this.meta.storePhotoCounts();
    const byStore = groupBy(await this.meta.listTerminals(), (t) => t.store_id);
    const needle = query.q?.trim().toLowerCase() ?? '';
    const counts: StateCounts = { current: 0, behind: 0, silent: 0 };
    const matching: StoreSummary[] = [];
    for (const store of await this.meta.listStores()) {
      if (query.store_id !== undefined && store.id !== query.store_id) continue;
      const summary = this.storeSummary(
        store,
        photoCounts.get(store.id),
        byStore.get(store.id),
        now,
      );
      const storeMatches =
        needle === '' || `${store.code}\n${store.name}`.toLowerCase().includes(needle);
      if (!storeMatches) {
        summary.terminals = summary.terminals.filter((t) =>
          `${t.terminal_id}\n${t.name ?? ''}`.toLowerCase().includes(needle),
        );
        if (summary.terminals.length === 0) continue;
      }
      for (const t of summary.terminals) counts[t.state]++;
      if (query.state !== undefined) {
        summary.terminals = summary.terminals.filter((t) => t.state === query.state);
        if (summary.terminals.length === 0) continue;
      }
      matching.push(summary);
    }
    matching.sort(SORTS[query.sort]);
    const stores = matching.slice(query.offset, query.offset + query.limit);
    // Only the page's failures are read: filters, counts and order never depend on them.
    const failures = groupBy(
      await this.meta.latestFailures(
        stores.filter((s) => s.terminals.some((t) => t.failing > 0)).map((s) => s.store_id),
        FAILURES_SHOWN,
      ),
      (f) => `${f.store_id}\n${f.terminal_id}`,
    );
    for (const store of stores)
      for (const t of store.terminals)
        t.failures = (failures.get(`${store.store_id}\n${t.terminal_id}`) ?? []).map(
          ({ store_id: _, ...f }) => stripTerminal(f),
        );
    return {
      stores,
      total: matching.length,
      limit: query.limit,
      offset: query.offset,
      has_more: query.offset + stores.length < matching.length,
      counts,
      silent_after_s: this.silentAfterS,
      generated_at: isoFromMs(now),
    };
  }

  /** One terminal: its summary, a page of the photos it lacks and its latest `reports` reports. */
  async terminal(
    storeId: string,
    terminalId: string,
    page: PageQuery,
    reports: number,
  ): Promise<TerminalDetail> {
    const { store, summary } = await this.storeById(storeId);
    const terminal = summary.terminals.find((t) => t.terminal_id === terminalId);
    if (!terminal) throw new NotFoundError('Terminal not found');
    const failures = await this.meta.listFailures(storeId, terminalId);
    const unsynced = await this.meta.listUnsynced(storeId, terminalId, page.limit, page.offset);
    return {
      store,
      terminal: { ...terminal, failures: failures.map(stripTerminal) },
      unsynced: unsynced.rows,
      ...paged(page, unsynced.rows.length, unsynced.total),
      reports: await this.meta.listReports(storeId, terminalId, reports),
    };
  }

  /** One store: its terminals, products with no primary photo and a page of photos no terminal holds. */
  async store(storeId: string, page: PageQuery): Promise<StoreDetail> {
    const { store, summary } = await this.storeById(storeId);
    const gaps = await this.meta.listUnsyncedByAll(storeId, page.limit, page.offset);
    return {
      store,
      terminals: summary.terminals,
      products_without_primary: await this.meta.listProductsWithoutPrimary(storeId),
      unsynced: gaps.rows,
      ...paged(page, gaps.rows.length, gaps.total),
    };
  }

  private async storeById(
    storeId: string,
  ): Promise<{ store: StoreDetail['store']; summary: StoreSummary }> {
    const row = await this.meta.getStore(storeId);
    if (!row) throw new NotFoundError('Store not found');
    const photos = (await this.meta.storePhotoCounts()).get(storeId);
    const terminals = await this.meta.listTerminals(storeId);
    const summary = this.storeSummary(row, photos, terminals, this.clock());
    const failures = groupBy(await this.meta.listFailures(storeId), (f) => f.terminal_id);
    for (const t of summary.terminals)
      t.failures = (failures.get(t.terminal_id) ?? []).slice(0, FAILURES_SHOWN).map(stripTerminal);
    const store = { store_id: row.id, code: row.code, name: row.name, photos: summary.photos };
    return { store, summary };
  }

  /** The store's summary from its terminals' stored progress; failures are left to the caller. */
  private storeSummary(
    store: Store,
    photos = 0,
    terminals: TerminalRecord[] = [],
    now: number,
  ): StoreSummary {
    return {
      store_id: store.id,
      code: store.code,
      name: store.name,
      photos,
      terminals: terminals.map((t) => this.terminalSummary(t, photos, now)),
    };
  }

  private terminalSummary(t: TerminalRecord, photos: number, now: number): TerminalSummary {
    const behindBy = Math.max(0, photos - t.synced);
    const silent = now - Date.parse(t.last_report_at) > this.silentAfterS * 1000;
    return {
      terminal_id: t.terminal_id,
      name: t.name,
      first_report_at: t.first_report_at,
      last_report_at: t.last_report_at,
      state: silent ? 'silent' : behindBy === 0 ? 'current' : 'behind',
      synced: t.synced,
      behind_by: behindBy,
      behind_since: behindBy === 0 ? null : t.behind_since,
      failing: t.failing,
      failures: [],
    };
  }
}

function stripTerminal({ terminal_id: _, ...failure }: FailureRecord) {
  return failure;
}

function paged(page: PageQuery, shown: number, total: number) {
  return { total, limit: page.limit, offset: page.offset, has_more: page.offset + shown < total };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function worst(s: StoreSummary): number {
  return s.terminals.reduce((m, t) => Math.max(m, STATE_RANK[t.state] * 1e9 + t.behind_by), -1);
}

function oldestReport(s: StoreSummary): string {
  return s.terminals.reduce((m, t) => (t.last_report_at < m ? t.last_report_at : m), '\uffff');
}

const byCode = (a: StoreSummary, b: StoreSummary) =>
  a.code.localeCompare(b.code) || a.store_id.localeCompare(b.store_id);

const SORTS: Record<FleetSort, (a: StoreSummary, b: StoreSummary) => number> = {
  store: byCode,
  state: (a, b) => worst(b) - worst(a) || byCode(a, b),
  last_report: (a, b) => oldestReport(a).localeCompare(oldestReport(b)) || byCode(a, b),
};
