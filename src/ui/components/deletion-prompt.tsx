/** Confirmation of an unusually large deletion: nothing is removed until a person confirms. */
import type { SyncStatus } from '../../shared/types';
import { formatNumber } from '../i18n';
import { busy, command } from '../state';
import { syncMessages } from '../sync-messages';

/** Shown while the engine waits for confirmation of a large deletion. */
export function DeletionPrompt({
  status,
}: {
  status: Extract<SyncStatus, { kind: 'needs-confirmation' }>;
}) {
  const m = syncMessages();
  const count = formatNumber(status.deleteCount);
  return (
    <section
      class="prompt"
      role="alertdialog"
      aria-labelledby="deletion-title"
      aria-describedby="deletion-body"
    >
      <h2 id="deletion-title">{m.deleteTitle(count)}</h2>
      <p id="deletion-body">{m.deleteBody(count, formatNumber(status.localCount))}</p>
      <button
        type="button"
        class="danger"
        disabled={busy.value}
        onClick={() => void command('confirm-deletions')}
      >
        {m.deleteConfirm(count)}
      </button>
    </section>
  );
}
