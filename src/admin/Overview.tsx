/** The fleet overview: counts per state, filters, and every store with its terminals (paged, self-refreshing). */
import { signal } from '@preact/signals';
import {
  FLEET_SORTS,
  type FleetOverview,
  type FleetSort,
  type StoreSummary,
  TERMINAL_STATES,
  type TerminalState,
} from '../shared/fleet-api';
import { num, stateName, t, time } from './messages';
import { usePolled } from './polling';
import { FailureNote, hrefOf, Pager } from './parts';
import { TerminalCells, terminalHead } from './TerminalCells';

const PAGE = 25;

/** Filters survive visits to a detail page. */
const filters = {
  q: signal(''),
  state: signal<TerminalState | ''>(''),
  storeId: signal(''),
  sort: signal<FleetSort>('store'),
  offset: signal(0),
};

function setFilter<T>(s: { value: T }, value: T): void {
  s.value = value;
  filters.offset.value = 0;
}

function overviewPath(): string {
  const params = new URLSearchParams({
    limit: String(PAGE),
    offset: String(filters.offset.value),
    sort: filters.sort.value,
  });
  if (filters.q.value.trim()) params.set('q', filters.q.value.trim());
  if (filters.state.value) params.set('state', filters.state.value);
  if (filters.storeId.value) params.set('store_id', filters.storeId.value);
  return `/api/v1/admin/fleet/?${params}`;
}

const SORT_LABELS = {
  store: 'sortStore',
  state: 'sortState',
  last_report: 'sortLastReport',
} as const;

/** The overview page. */
export function Overview({ stores }: { stores: { id: string; code: string; name: string }[] }) {
  const m = t();
  const { data, failure, at } = usePolled<FleetOverview>(overviewPath());
  return (
    <>
      <h1>{m.overview}</h1>
      <FailureNote failure={failure} />
      <section aria-labelledby="counts-title" class="counts">
        <h2 id="counts-title" class="visually-hidden">
          {m.counts}
        </h2>
        {TERMINAL_STATES.map((s) => (
          <button
            type="button"
            key={s}
            class={`count count-${s}`}
            aria-pressed={filters.state.value === s}
            onClick={() => setFilter(filters.state, filters.state.value === s ? '' : s)}
          >
            <span class="count-value" data-testid={`count-${s}`}>
              {data ? num(data.counts[s]) : '–'}
            </span>{' '}
            <span>{stateName(s)}</span>
          </button>
        ))}
      </section>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {m.search}
          <input
            type="search"
            value={filters.q.value}
            onInput={(e) => setFilter(filters.q, e.currentTarget.value)}
          />
        </label>
        <label>
          {m.store}
          <select
            value={filters.storeId.value}
            onChange={(e) => setFilter(filters.storeId, e.currentTarget.value)}
          >
            <option value="">{m.anyStore}</option>
            {stores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.code} · {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.state}
          <select
            value={filters.state.value}
            onChange={(e) => setFilter(filters.state, e.currentTarget.value as TerminalState | '')}
          >
            <option value="">{m.anyState}</option>
            {TERMINAL_STATES.map((s) => (
              <option key={s} value={s}>
                {stateName(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {m.sort}
          <select
            value={filters.sort.value}
            onChange={(e) => setFilter(filters.sort, e.currentTarget.value as FleetSort)}
          >
            {FLEET_SORTS.map((s) => (
              <option key={s} value={s}>
                {m[SORT_LABELS[s]]}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p class="muted">{at === null ? m.loading : m.updatedAt(time(new Date(at).toISOString()))}</p>
      {data && data.stores.length === 0 && <p>{m.noMatch}</p>}
      {data && data.stores.length > 0 && (
        <table class="fleet">
          <caption class="visually-hidden">{m.fleetTable}</caption>
          <thead>
            <tr>
              {terminalHead().map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          {data.stores.map((s) => (
            <StoreRows key={s.store_id} store={s} />
          ))}
        </table>
      )}
      {data && (
        <Pager
          label={m.fleetTable}
          offset={data.offset}
          limit={data.limit}
          shown={data.stores.length}
          total={data.total}
          onOffset={(o) => {
            filters.offset.value = o;
          }}
        />
      )}
    </>
  );
}

function StoreRows({ store }: { store: StoreSummary }) {
  const m = t();
  return (
    <tbody data-store={store.code}>
      <tr class="store-row">
        <th scope="rowgroup" colSpan={5}>
          <a href={hrefOf(store.store_id)}>
            {store.code} · {store.name}
          </a>{' '}
          <span class="muted">{m.storePhotos(num(store.photos))}</span>
        </th>
      </tr>
      {store.terminals.length === 0 ? (
        <tr>
          <td colSpan={5} class="muted">
            {m.noTerminals}
          </td>
        </tr>
      ) : (
        store.terminals.map((term) => (
          <tr key={term.terminal_id} data-terminal={term.terminal_id}>
            <TerminalCells storeId={store.store_id} terminal={term} photos={store.photos} />
          </tr>
        ))
      )}
    </tbody>
  );
}
