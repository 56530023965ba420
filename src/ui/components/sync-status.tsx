/**
 * Sync state, always visible: the one live status region ("1,234 / 2,000 photos" + state), a progress bar
 * and download rate while syncing, last successful sync, storage used of quota, and the sync actions.
 */
import { useRef } from 'preact/hooks';
import type { AppState } from '../../shared/messages';
import type { SyncProgress } from '../../shared/types';
import { formatNumber, lang } from '../i18n';
import { problemText } from '../problem-text';
import { formatBytes, formatRate, formatTime } from '../format';
import { busy, command, syncNow } from '../state';
import { syncMessages } from '../sync-messages';
import { RateMeter, type Rate } from '../sync-rate';

type Messages = ReturnType<typeof syncMessages>;

/** The state in a few words: up to date, syncing (with progress), offline, paused, error, storage full. */
function stateText(m: Messages, progress: SyncProgress, running: boolean): string {
  const { status } = progress;
  // A run that cannot reach the HO retries for a while: say so instead of "Syncing".
  if (progress.offlineSince !== null && (running || status.kind === 'syncing'))
    return m.reconnecting;
  if (running && status.kind !== 'syncing') return m.starting;
  switch (status.kind) {
    case 'signed-out':
      return m.signedOut;
    case 'idle':
      if (progress.failures.length > 0)
        return m.failedRetrying(formatNumber(progress.failures.length));
      return progress.held === progress.expected && progress.lastSuccessAt !== null
        ? m.upToDate
        : m.waiting;
    case 'syncing':
      if (status.phase === 'downloading')
        return m.downloading(formatNumber(status.done), formatNumber(status.total));
      return status.phase === 'listing' ? m.listing : m.reconciling;
    case 'offline':
      return m.offline;
    case 'paused-auth':
      return m.pausedAuth;
    case 'quota':
      return m.quota;
    case 'error':
      return m.error(problemText(lang.value, status.problem));
    case 'needs-confirmation':
      return m.needsConfirmation(formatNumber(status.deleteCount));
  }
}

function rateText(m: Messages, rate: Rate): string {
  const perPhoto = m.photoRate(formatRate(rate.photosPerSecond));
  return rate.bytesPerSecond >= 100_000
    ? `${perPhoto} · ${m.byteRate(formatRate(rate.bytesPerSecond / 1_000_000))}`
    : perPhoto;
}

/**
 * The status bar's place while the worker has not answered the state yet (the gallery can show first: its
 * first page may come from the worker's saved first screen while the database still opens). No live region:
 * what it says is not news.
 */
export function SyncStatusPending() {
  const m = syncMessages();
  return (
    <section class="sync-status" aria-label={m.region} aria-busy="true">
      <div class="sync-status-text">
        <p class="status-line">{m.readingState}</p>
      </div>
    </section>
  );
}

/** Status bar with "Sync now" and "Full resync". */
export function SyncStatus({ state }: { state: AppState }) {
  const m = syncMessages();
  const meter = useRef(new RateMeter());
  const { progress, storage } = state;
  const { status } = progress;
  const downloading = status.kind === 'syncing' && status.phase === 'downloading';
  let rate: Rate | null = null;
  if (downloading)
    rate = meter.current.add({
      at: performance.now(),
      done: status.done,
      bytes: progress.bytesDownloaded,
    });
  else meter.current.reset();
  const store = state.session.storeName ?? state.session.storeId;
  const meta = [
    store !== '' && m.store(store),
    m.lastSync(progress.lastSuccessAt === null ? m.never : formatTime(progress.lastSuccessAt)),
    progress.offlineSince !== null && m.offlineSince(formatTime(progress.offlineSince)),
    storage !== null &&
      `${m.storage(formatBytes(storage.usage), formatBytes(storage.quota))}${storage.persisted ? ` ${m.persistent}` : ''}`,
    progress.reporting === 'backlog' && m.backlog,
  ].filter((part): part is string => typeof part === 'string');
  return (
    <section
      class="sync-status"
      aria-label={m.region}
      data-state={status.kind}
      data-runs-finished={state.runsFinished}
    >
      <div class="sync-status-text">
        <p role="status" aria-live="polite" class="status-line">
          <strong>{m.photos(formatNumber(progress.held), formatNumber(progress.expected))}</strong>{' '}
          · <span>{stateText(m, progress, state.running)}</span>
        </p>
        {status.kind === 'syncing' && status.total > 0 && (
          <div class="sync-progress">
            <progress max={status.total} value={status.done} aria-label={m.progressLabel} />
            {rate !== null && <span class="sync-rate">{rateText(m, rate)}</span>}
          </div>
        )}
        <p class="meta">
          {meta.map((part, i) => (
            <span key={i} class="meta-part">
              {part}
            </span>
          ))}
        </p>
      </div>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={busy.value}
          onClick={() => void syncNow('user')}
        >
          {m.syncNow}
        </button>
        <button type="button" disabled={busy.value} onClick={() => void command('full-resync')}>
          {m.fullResync}
        </button>
      </div>
    </section>
  );
}
