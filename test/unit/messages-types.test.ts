/**
 * The page <-> SW protocol is typed per command: `dispatch` runs the handler of a command's own type, and
 * a handler table with a wrong reply type or a missing command does not compile (checked by `tsc -b`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AppState,
  type CommandHandlers,
  dispatch,
  type TunableSettings,
} from '../../src/shared/messages';

const settings: TunableSettings = {
  syncIntervalMs: 60_000,
  concurrency: 2,
  delayMs: 0,
  listMethod: 'auto',
  companyId: '',
  terminalName: 'Kasir 1',
};
const state = {} as AppState;

/** A complete table: every command answered with its own reply type. */
const handlers: CommandHandlers = {
  'get-state': async () => state,
  'get-products': async (c) => ({
    matches: 0,
    total: 0,
    offset: c.page.offset,
    products: [],
    complete: true,
  }),
  'get-photo-products': async () => ({}),
  'sign-in': async () => ({ ok: true, state, stores: null }),
  'choose-store': async (c) => ({ ok: true, state, stores: [c.store] }),
  'sync-now': async () => state,
  'check-connection': async () => state,
  'full-resync': async () => state,
  'retry-failed': async () => state,
  'confirm-deletions': async () => state,
  'sign-out': async () => state,
  'get-settings': async () => settings,
  'save-settings': async (c) => ({ ok: true, settings: c.settings, state }),
  'skip-waiting': async () => null,
};

test('dispatch answers each command with its own handler', async () => {
  assert.deepEqual(await dispatch(handlers, { type: 'get-settings' }), settings);
  const saved = await dispatch(handlers, { type: 'save-settings', settings });
  assert.ok(saved.ok && saved.settings === settings);
  assert.equal(await dispatch(handlers, { type: 'skip-waiting' }), null);
});

test('a wrong reply type or a missing command does not compile', () => {
  const wrongReply: CommandHandlers = {
    ...handlers,
    // @ts-expect-error get-settings must answer TunableSettings, not AppState
    'get-settings': async () => state,
  };
  const { 'sign-out': _signOut, ...withoutSignOut } = handlers;
  // @ts-expect-error every command needs its handler
  const missing: CommandHandlers = withoutSignOut;
  // @ts-expect-error the reply of get-settings is TunableSettings: no `session` on it
  void dispatch(handlers, { type: 'get-settings' }).then((r) => r.session);
  assert.ok(wrongReply && missing);
});
