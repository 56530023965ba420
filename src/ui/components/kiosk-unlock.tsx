/** In kiosk mode: a long press on the title opens settings, after the PIN when one is set. */
import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import type { ComponentChildren, JSX } from 'preact';
import { defineMessages } from '../i18n';
import { kiosk, LONG_PRESS_MS, pinMatches } from '../kiosk';
import { view } from '../navigation';

const messages = defineMessages(
  {
    title: 'Unlock settings',
    pin: 'Kiosk PIN',
    open: 'Open settings',
    cancel: 'Cancel',
    wrong: 'Wrong PIN.',
  },
  {
    title: 'Buka kunci pengaturan',
    pin: 'PIN kios',
    open: 'Buka pengaturan',
    cancel: 'Batal',
    wrong: 'PIN salah.',
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

function PinDialog({ onDone }: { onDone: () => void }) {
  const m = messages();
  const pin = useSignal('');
  const wrong = useSignal(false);
  return (
    <form
      class="prompt pin-dialog"
      role="dialog"
      aria-label={m.title}
      onSubmit={(e) => {
        e.preventDefault();
        void pinMatches(pin.value).then((ok) => {
          wrong.value = !ok;
          if (!ok) return;
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
          value={pin.value}
          onInput={(e) => (pin.value = e.currentTarget.value)}
        />
      </label>
      {wrong.value && (
        <p class="error" role="alert">
          {m.wrong}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {m.open}
        </button>
        <button type="button" onClick={onDone}>
          {m.cancel}
        </button>
      </div>
    </form>
  );
}
