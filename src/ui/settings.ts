/** The engine's tunable sync settings as the settings screen reads and saves them through the bridge. */
import { signal } from '@preact/signals';
import type { TunableSettings } from '../shared/messages';
import type { Problem } from '../shared/problems';
import { send } from './bridge';
import { applyState } from './state';

/** Limits the settings form enforces (the engine rejects what cannot work; these keep values sensible for a till). */
export const LIMITS = {
  intervalMinutes: { min: 1, max: 1440 },
  concurrency: { min: 1, max: 10 },
  delayMs: { min: 0, max: 60_000 },
} as const;

/** The engine's current values; null until loaded. */
export const tunables = signal<TunableSettings | null>(null);

/** Loads the current values from the engine. */
export async function loadTunables(): Promise<void> {
  tunables.value = await send({ type: 'get-settings' });
}

/** Saves through the session's validation; resolves with the problem when it refused (nothing saved). */
export async function saveTunables(settings: TunableSettings): Promise<Problem | null> {
  const result = await send({ type: 'save-settings', settings });
  if (!result.ok) return result.problem;
  tunables.value = result.settings;
  applyState(result.state);
  return null;
}
