/** The state, progress, last report and failures cells of one terminal (overview and store page). */
import type { TerminalSummary } from '../shared/fleet-api';
import { num, t, time } from './messages';
import { StateBadge } from './parts';

/** Four table cells describing `terminal` against its store's `photos`. */
export function TerminalCells({ terminal, photos }: { terminal: TerminalSummary; photos: number }) {
  const m = t();
  return (
    <>
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
