/** Asks before a sync removes more photos than the safety share allows (the HO may have a problem). */
import type { SyncStatus } from '../../shared/types';
import { busy, command } from '../store';

/** Shown while the engine waits for confirmation of a large deletion. */
export function DeletionPrompt({ status }: { status: Extract<SyncStatus, { kind: 'needs-confirmation' }> }) {
  return (
    <section class="prompt" role="alertdialog" aria-labelledby="deletion-title">
      <h2 id="deletion-title">Remove {status.deleteCount} photos?</h2>
      <p>
        The server no longer lists {status.deleteCount} of the {status.localCount} photos on this terminal. That is more than usual, so nothing
        was removed yet. Remove them only if the store's catalog really shrank.
      </p>
      <button type="button" class="danger" disabled={busy.value} onClick={() => void command('confirm-deletions')}>
        Remove {status.deleteCount} photos
      </button>
    </section>
  );
}
