/** Text of the sync state as people read it (issue 4 moves these strings into the translation table). */
import type { SyncProgress } from '../shared/types';

const number = new Intl.NumberFormat('en-US');

/** "12 / 75 photos". */
export function photoCount(progress: SyncProgress): string {
  return `${number.format(progress.held)} / ${number.format(progress.expected)} photos`;
}

/** The state in a few words: up to date, syncing (with progress), offline, paused, error, storage full. */
export function stateText(progress: SyncProgress, running: boolean): string {
  const { status } = progress;
  if (running && status.kind !== 'syncing') return 'Syncing: starting';
  switch (status.kind) {
    case 'signed-out':
      return 'Signed out';
    case 'idle':
      if (progress.failures.length > 0) return `${number.format(progress.failures.length)} photos failed, retrying later`;
      return progress.held === progress.expected && progress.lastSuccessAt !== null ? 'Up to date' : 'Waiting to sync';
    case 'syncing':
      return status.phase === 'downloading'
        ? `Syncing: downloading ${number.format(status.done)} of ${number.format(status.total)}`
        : status.phase === 'listing'
          ? 'Syncing: checking the photo list'
          : 'Syncing: removing photos the store no longer has';
    case 'offline':
      return 'Offline: photos stay available, sync resumes when the server is reachable';
    case 'paused-auth':
      return 'Paused: sign in again';
    case 'quota':
      return 'Storage full: sync stopped, stored photos are kept';
    case 'error':
      return `Error: ${status.message}`;
    case 'needs-confirmation':
      return `Waiting for confirmation to remove ${number.format(status.deleteCount)} photos`;
  }
}

/** A timestamp in the terminal's local time, or "never". */
export function when(iso: string | null): string {
  return iso === null ? 'never' : new Date(iso).toLocaleString();
}

/** Bytes as "12.3 MB". */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
