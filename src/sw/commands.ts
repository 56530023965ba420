/** Answers page commands (the page <-> SW protocol in src/shared/messages): one typed handler per command. */
import {
  type CommandHandlers,
  type CommandOf,
  type CommandReplies,
  type CommandType,
  dispatch,
} from '../shared/messages';
import type { SyncHost } from './sync-host';

declare const self: ServiceWorkerGlobalScope;

/** The handlers of every command; sync commands start a run and reply at once (progress is broadcast). */
function handlers(host: SyncHost): CommandHandlers {
  return {
    'get-state': () => host.state(),
    'get-products': (c) => host.products(c.page),
    'get-photo-products': (c) => host.photoProducts(c.photoIds),
    'sign-in': (c) => host.signIn(c.settings, c.credentials),
    'choose-store': (c) => host.chooseStore(c.store),
    // Only a person asking retries failed photos before their backoff; timers and `online` respect it.
    'sync-now': (c) => host.runIfSignedIn({ retryFailedNow: c.trigger === 'user' }),
    'check-connection': () => host.checkConnection(),
    'full-resync': () => host.runIfSignedIn({ full: true, retryFailedNow: true }),
    'retry-failed': () => host.runIfSignedIn({ retryFailedNow: true }),
    'confirm-deletions': () => host.confirmDeletions(),
    'sign-out': () => host.signOut(),
    'get-settings': () => host.tunables(),
    'save-settings': (c) => host.saveTunables(c.settings),
    // Sent by the page to the waiting worker when the person (or an idle kiosk) applies the update.
    'skip-waiting': async () => {
      await self.skipWaiting();
      return null;
    },
  };
}

/** Runs one command and returns its reply. */
export function handleCommand<T extends CommandType>(
  host: SyncHost,
  command: CommandOf<T>,
): Promise<CommandReplies[T]> {
  return dispatch(handlers(host), command);
}
