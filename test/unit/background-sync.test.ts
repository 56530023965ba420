/** When the page asks the browser for Background Sync: once per spell of waiting for the HO, never once per state. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awaitsConnectivity, backgroundSyncRequests } from '../../src/shared/background-sync';
import type { SyncProgress, SyncStatus } from '../../src/shared/types';

function progress(
  status: SyncStatus,
  offlineSince: string | null,
  reporting: SyncProgress['reporting'] = 'ok',
): SyncProgress {
  return {
    status,
    held: 3,
    expected: 3,
    bytesDownloaded: 0,
    failures: [],
    lastSuccessAt: null,
    lastReconcileAt: null,
    reporting,
    reportsRejected: 0,
    offlineSince,
  };
}

const SINCE = '2026-11-26T10:00:00.000Z';
const listing: SyncStatus = { kind: 'syncing', phase: 'listing', done: 0, total: 0 };
const offline: SyncStatus = { kind: 'offline', problem: { code: 'http.offline' } };

test('a run that ends offline, the runs that retry and end offline again: one request, not one per run', () => {
  const shouldRequest = backgroundSyncRequests();
  const states = [
    progress({ kind: 'idle' }, null),
    progress(listing, SINCE), // the first request failed: the spell starts mid-run
    progress(offline, SINCE),
    progress(listing, SINCE), // the sync event's run (or the page timer's)
    progress(offline, SINCE),
    progress(offline, SINCE),
  ];
  assert.deepEqual(states.map(shouldRequest), [false, true, false, false, false, false]);
});

test('a new spell after the HO answered asks again; a report backlog alone asks too', () => {
  const shouldRequest = backgroundSyncRequests();
  const states = [
    progress(offline, SINCE),
    progress({ kind: 'idle' }, null),
    progress(offline, SINCE),
    progress({ kind: 'idle' }, null, 'backlog'),
    progress({ kind: 'idle' }, null, 'ok'),
  ];
  assert.deepEqual(states.map(shouldRequest), [true, false, true, false, false]);
  assert.equal(awaitsConnectivity(progress({ kind: 'idle' }, null, 'backlog')), true);
  assert.equal(awaitsConnectivity(progress({ kind: 'idle' }, null, 'disabled')), false);
});
