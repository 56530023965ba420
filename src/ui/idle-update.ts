/** Kiosks that never reload apply a waiting update by themselves once idle: no sync running and no input for a while. */
import { effect } from '@preact/signals';
import { kiosk } from './kiosk';
import { appState } from './state';
import { applyUpdate, updateApplying, updateWaiting } from './sw-registration';

/** Time without touches or keys after which a kiosk counts as idle. */
export const IDLE_MS = 2 * 60 * 1000;

/** Watches input and applies a waiting update when a kiosk is idle; POS terminals keep the banner instead. */
export function applyUpdatesWhenIdle(): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (
      !kiosk.value.on ||
      !updateWaiting.value ||
      updateApplying.value ||
      appState.value?.running === true
    )
      return;
    timer = setTimeout(() => void applyUpdate(), IDLE_MS);
  };
  for (const type of ['pointerdown', 'keydown', 'wheel'] as const)
    window.addEventListener(type, arm, { capture: true, passive: true });
  // Re-armed whenever kiosk mode, the waiting update or the sync state change.
  effect(arm);
}
