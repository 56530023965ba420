/** Answers page commands (the page <-> SW protocol in src/shared/messages): one exhaustive switch. */
import {
  assertNever,
  type Command,
  type CommandReplies,
  type CommandType,
  type TunableSettings,
} from '../shared/messages';
import { chooseStore, signIn } from './sign-in';
import type { SyncHost } from './sync-host';

declare const self: ServiceWorkerGlobalScope;

/** The settings the settings screen shows and changes. */
function tunable({ syncIntervalMs, concurrency, delayMs }: TunableSettings): TunableSettings {
  return { syncIntervalMs, concurrency, delayMs };
}

/** Runs one command and returns its reply; sync commands start a run and reply at once (progress is broadcast). */
export async function handleCommand(
  host: SyncHost,
  command: Command,
): Promise<CommandReplies[CommandType]> {
  const { engine } = host.deps;
  switch (command.type) {
    case 'get-state':
      return host.state();
    case 'get-products':
      return host.products();
    case 'sign-in':
      return signIn(host, command.settings, command.credentials);
    case 'choose-store':
      return chooseStore(host, command.store);
    case 'sync-now':
      // Only a person asking retries failed photos before their backoff; timers and `online` respect it.
      return host.runIfSignedIn({ retryFailedNow: command.trigger === 'user' });
    case 'check-connection':
      return host.checkConnection();
    case 'full-resync':
      return host.runIfSignedIn({ full: true, retryFailedNow: true });
    case 'retry-failed':
      return host.runIfSignedIn({ retryFailedNow: true });
    case 'confirm-deletions':
      await engine.confirmDeletes();
      return host.announce();
    case 'sign-out':
      await engine.signOut(true);
      return host.announce();
    case 'get-settings':
      return tunable(await engine.settings());
    case 'save-settings':
      try {
        const settings = tunable(await engine.saveSettings(tunable(command.settings)));
        return { ok: true, settings, state: await host.announce() };
      } catch (err) {
        // The engine validates (RangeError names the setting); nothing was saved.
        if (err instanceof RangeError) return { ok: false, message: err.message };
        throw err;
      }
    case 'skip-waiting':
      // Sent by the page to the waiting worker when the person (or an idle kiosk) applies the update.
      await self.skipWaiting();
      return null;
    default:
      return assertNever(command);
  }
}
