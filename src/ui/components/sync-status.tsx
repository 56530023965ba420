/** Sync state, always visible: the live status region ("12 / 75 photos" + state), last sync, storage, actions. */
import type { AppState } from '../../shared/messages';
import { bytes, photoCount, stateText, when } from '../format';
import { busy, command, syncNow } from '../store';

/** Status panel with "Sync now" and "Full resync". */
export function SyncStatus({ state }: { state: AppState }) {
  const { progress, storage } = state;
  const syncing = progress.status.kind === 'syncing';
  return (
    <section class="sync-status" aria-label="Sync">
      <p role="status" aria-live="polite" class="status-line">
        <strong>{photoCount(progress)}</strong> · <span>{stateText(progress, state.running)}</span>
      </p>
      {syncing && progress.status.kind === 'syncing' && progress.status.total > 0 && (
        <progress max={progress.status.total} value={progress.status.done} aria-label="Download progress" />
      )}
      <p class="meta">
        Last successful sync: {when(progress.lastSuccessAt)}
        {storage !== null && ` · Storage: ${bytes(storage.usage)} of ${bytes(storage.quota)}${storage.persisted ? ' (persistent)' : ''}`}
        {progress.reporting === 'backlog' && ' · Status reports waiting to be sent'}
      </p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy.value} onClick={() => void syncNow('user')}>
          Sync now
        </button>
        <button type="button" disabled={busy.value} onClick={() => void command('full-resync')}>
          Full resync
        </button>
      </div>
    </section>
  );
}
