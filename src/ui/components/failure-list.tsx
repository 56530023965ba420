/** Photos that failed to sync, with the reason and attempts, and a retry action. */
import type { FailureInfo } from '../../shared/types';
import { when } from '../format';
import { busy, command, productOfPhoto } from '../store';

/** The failures list; nothing when there are none. */
export function FailureList({ failures }: { failures: FailureInfo[] }) {
  if (failures.length === 0) return null;
  const names = productOfPhoto.value;
  return (
    <section class="failures" aria-labelledby="failures-title">
      <h2 id="failures-title">Failed photos ({failures.length})</h2>
      <ul>
        {failures.map((f) => (
          <li key={f.photo_id} data-photo-id={f.photo_id}>
            <span class="name">{names.get(f.photo_id) ?? f.photo_id}</span>: <span class="reason">{f.reason}</span> ({f.attempts}{' '}
            {f.attempts === 1 ? 'attempt' : 'attempts'}, last {when(f.last_attempt_at)})
          </li>
        ))}
      </ul>
      <button type="button" disabled={busy.value} onClick={() => void command('retry-failed')}>
        Retry failed photos
      </button>
    </section>
  );
}
