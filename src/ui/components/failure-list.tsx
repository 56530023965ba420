/** Details panel of the photos that failed to sync: product, reason, attempts, last attempt, and a retry action. */
import type { FailureInfo } from '../../shared/types';
import { formatTime } from '../format';
import { formatNumber, lang } from '../i18n';
import { problemText } from '../problem-text';
import { useEffect, useState } from 'preact/hooks';
import { busy, command, productNamesOf } from '../state';
import { syncMessages } from '../sync-messages';

/** The failures panel (collapsed; opening it lists them); nothing when there are none. */
export function FailureList({ failures }: { failures: FailureInfo[] }) {
  const [names, setNames] = useState<Record<string, string>>({});
  const ids = failures.map((f) => f.photo_id).join('\u0000');
  useEffect(() => {
    // Asked of the worker's product list for just these photos: the page holds only the pages it shows.
    if (ids !== '') void productNamesOf(ids.split('\u0000')).then(setNames);
  }, [ids]);
  if (failures.length === 0) return null;
  const m = syncMessages();
  return (
    <details class="failures">
      <summary>{m.failuresTitle(formatNumber(failures.length))}</summary>
      <ul>
        {failures.map((f) => (
          <li key={f.photo_id} data-photo-id={f.photo_id}>
            <span class="name">{names[f.photo_id] ?? f.photo_id}</span>:{' '}
            <span class="reason" data-reason={f.reason}>
              {problemText(lang.value, f.problem)}
            </span>{' '}
            ({m.attempts(f.attempts, formatNumber(f.attempts))},{' '}
            {m.lastAttempt(formatTime(f.last_attempt_at))})
          </li>
        ))}
      </ul>
      <button type="button" disabled={busy.value} onClick={() => void command('retry-failed')}>
        {m.retryFailed}
      </button>
    </details>
  );
}
