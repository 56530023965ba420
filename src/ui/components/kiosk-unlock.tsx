/** In kiosk mode: a long press on the title opens settings, after the PIN when one is set. */
import { useSignal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren, JSX } from 'preact';
import { formatTimeOfDay } from '../format';
import { defineMessages } from '../i18n';
import { kiosk, LONG_PRESS_MS, pinLockedUntil, tryPin } from '../kiosk';
import { view } from '../navigation';

const messages = defineMessages(
  {
    title: 'Unlock settings',
    pin: 'Kiosk PIN',
    open: 'Open settings',
    cancel: 'Cancel',
    wrong: 'Wrong PIN.',
    locked: (time: string) => `Too many wrong PINs. Try again after ${time}.`,
  },
  {
    title: 'Buka kunci pengaturan',
    pin: 'PIN kios',
    open: 'Buka pengaturan',
    cancel: 'Batal',
    wrong: 'PIN salah.',
    locked: (time: string) => `Terlalu banyak PIN salah. Coba lagi setelah ${time}.`,
  },
);

/** Wraps the title: holding it for LONG_PRESS_MS asks for the PIN (or opens settings when none is set). */
export function LongPressTitle({
  children,
  onLongPress,
}: {
  children: ComponentChildren;
  onLongPress: () => void;
}) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = (): void => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  };
  const start = (): void => {
    cancel();
    timer.current = setTimeout(onLongPress, LONG_PRESS_MS);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the long press is a hidden staff gesture; the kiosk's visible controls stay buttons.
    <div
      class="long-press"
      onPointerDown={start}
      onPointerUp={cancel}
      onPointerLeave={cancel}
      onPointerCancel={cancel}
      onContextMenu={(e: JSX.TargetedMouseEvent<HTMLDivElement>) => e.preventDefault()}
    >
      {children}
    </div>
  );
}

/** Opens settings after a long press: directly without a PIN, else once the PIN matches. */
export function useKioskUnlock(): { request: () => void; dialog: JSX.Element | null } {
  const asking = useSignal(false);
  const request = (): void => {
    if (kiosk.value.pinHash === null) view.value = 'settings';
    else asking.value = true;
  };
  return {
    request,
    dialog: asking.value ? <PinDialog onDone={() => (asking.value = false)} /> : null,
  };
}

/** True while PIN entry is locked after too many wrong PINs; re-renders when the lockout ends. */
function useLocked(): boolean {
  const [, setTick] = useState(0);
  const wait = pinLockedUntil.value - Date.now();
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setTick((n) => n + 1), wait);
    return () => clearTimeout(timer);
  }, [wait]);
  return wait > 0;
}

function PinDialog({ onDone }: { onDone: () => void }) {
  const m = messages();
  const pin = useSignal('');
  const wrong = useSignal(false);
  const locked = useLocked();
  return (
    <form
      class="prompt pin-dialog"
      role="dialog"
      aria-label={m.title}
      onSubmit={(e) => {
        e.preventDefault();
        void tryPin(pin.value).then((outcome) => {
          wrong.value = outcome === 'wrong';
          pin.value = '';
          if (outcome !== 'ok') return;
          view.value = 'settings';
          onDone();
        });
      }}
    >
      <label class="field">
        <span>{m.pin}</span>
        <input
          type="password"
          inputMode="numeric"
          autocomplete="off"
          // biome-ignore lint/a11y/noAutofocus: the dialog exists only to take the PIN just asked for.
          autoFocus
          disabled={locked}
          value={pin.value}
          onInput={(e) => (pin.value = e.currentTarget.value)}
        />
      </label>
      {locked ? (
        <p class="error" role="alert">
          {m.locked(formatTimeOfDay(pinLockedUntil.value))}
        </p>
      ) : (
        wrong.value && (
          <p class="error" role="alert">
            {m.wrong}
          </p>
        )
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={locked}>
          {m.open}
        </button>
        <button type="button" onClick={onDone}>
          {m.cancel}
        </button>
      </div>
    </form>
  );
}
