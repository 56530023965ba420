/** Small pieces every console view uses: state badge, pager, failure notice, links. */
import type { ComponentChildren } from 'preact';
import type { TerminalState } from '../shared/fleet-api';
import type { ApiFailure } from './api';
import { num, stateName, t } from './messages';

/** A terminal's state as text with its colour (the text carries the meaning, not the colour). */
export function StateBadge({ state }: { state: TerminalState }) {
  return <span class={`badge badge-${state}`}>{stateName(state)}</span>;
}

/** The sentence for a failed call. */
export function failureText(f: ApiFailure): string {
  const m = t();
  switch (f.code) {
    case 'bad-credentials':
      return m.badCredentials;
    case 'not-admin':
      return m.notAdmin;
    case 'session-ended':
      return m.sessionEnded;
    case 'unreachable':
      return m.unreachable;
    case 'not-found':
      return m.notFound;
    case 'server':
      return m.serverError(f.status, f.message);
  }
}

/** A failed call announced to screen readers. */
export function FailureNote({ failure }: { failure: ApiFailure | null }) {
  return failure ? (
    <p class="failure" role="alert">
      {failureText(failure)}
    </p>
  ) : null;
}

/** Previous/next buttons of an offset-paged list, with the range shown. */
export function Pager(props: {
  label: string;
  offset: number;
  limit: number;
  shown: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  const m = t();
  const { offset, limit, shown, total } = props;
  if (total <= limit && offset === 0) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => props.onOffset(Math.max(0, offset - limit))}
      >
        {m.previous}
      </button>
      <span>{m.page(num(shown ? offset + 1 : 0), num(offset + shown), num(total))}</span>
      <button
        type="button"
        disabled={offset + shown >= total}
        onClick={() => props.onOffset(offset + limit)}
      >
        {m.next}
      </button>
    </nav>
  );
}

/** A table with a header row of `head` and one body row per item, or the `empty` sentence. */
export function Table<T>(props: {
  head: string[];
  rows: T[];
  empty: string;
  rowKey: (item: T, index: number) => string;
  cells: (item: T) => ComponentChildren;
}) {
  if (props.rows.length === 0) return <p>{props.empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((item, i) => (
          <tr key={props.rowKey(item, i)}>{props.cells(item)}</tr>
        ))}
      </tbody>
    </table>
  );
}

/** A section with a heading, for landmarks and headings navigation. */
export function Section(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** Hash route of a store's or a terminal's page. */
export function hrefOf(storeId: string, terminalId?: string): string {
  const store = `#/stores/${encodeURIComponent(storeId)}`;
  return terminalId === undefined ? store : `${store}/terminals/${encodeURIComponent(terminalId)}`;
}
