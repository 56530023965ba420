/** One terminal's table row cells (overview and store page): name, state, progress, last report, failures. */
import type { TerminalSummary } from '../shared/fleet-api';
import { num, t, time } from './messages';
import { hrefOf, StateBadge } from './parts';

/** Column headings of TerminalCells. */
export function terminalHead(): string[] {
  const m = t();
  return [m.terminal, m.state, m.synced, m.lastReport, m.failing];
}

/** The cells describing `terminal` of `storeId` against the store's `photos`; the first links to its page. */
export function TerminalCells(props: {
  storeId: string;
  terminal: TerminalSummary;
  photos: number;
}) {
  const m = t();
  const { terminal, photos } = props;
  return (
    <>
      <th scope="row">
        <a href={hrefOf(props.storeId, terminal.terminal_id)}>{terminal.name ?? m.unnamed}</a>
        <div class="muted small">{terminal.terminal_id}</div>
      </th>
      <td>
        <StateBadge state={terminal.state} />
      </td>
      <td>
        {m.syncedOf(num(terminal.synced), num(photos))}
        {terminal.behind_by > 0 && (
          <div class="small">
            {m.behindBy(num(terminal.behind_by), time(terminal.behind_since))}
          </div>
        )}
      </td>
      <td>{time(terminal.last_report_at)}</td>
      <td>
        {terminal.failing === 0 ? (
          '0'
        ) : (
          <>
            {m.failures(num(terminal.failing))}
            <ul class="reasons">
              {terminal.failures.map((f) => (
                <li key={f.photo_id}>
                  {f.product_name ?? f.photo_id}: {f.error ?? m.noReason}
                </li>
              ))}
            </ul>
          </>
        )}
      </td>
    </>
  );
}
