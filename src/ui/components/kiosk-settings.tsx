/** Starts kiosk mode (full screen, settings behind a long press and an optional PIN) or leaves it. */
import { useSignal } from '@preact/signals';
import { defineMessages } from '../i18n';
import { kiosk, startKiosk, stopKiosk } from '../kiosk';
import { view } from '../navigation';

const messages = defineMessages(
  {
    title: 'Kiosk mode',
    explain:
      'Full screen for customers. Settings open only by holding the title for a moment, then entering the PIN if one is set.',
    pin: 'Kiosk PIN (optional, 4 to 8 digits)',
    badPin: 'The PIN must be 4 to 8 digits, or empty.',
    start: 'Start kiosk mode',
    stop: 'Leave kiosk mode',
  },
  {
    title: 'Mode kios',
    explain:
      'Layar penuh untuk pelanggan. Pengaturan hanya terbuka dengan menahan judul sejenak, lalu memasukkan PIN jika ada.',
    pin: 'PIN kios (opsional, 4 sampai 8 angka)',
    badPin: 'PIN harus 4 sampai 8 angka, atau kosong.',
    start: 'Mulai mode kios',
    stop: 'Keluar dari mode kios',
  },
);

/** Kiosk mode controls. */
export function KioskSettings() {
  const m = messages();
  const pin = useSignal('');
  const pinError = useSignal(false);
  return (
    <section class="settings-group" aria-labelledby="kiosk-title">
      <h3 id="kiosk-title">{m.title}</h3>
      <p class="meta">{m.explain}</p>
      {kiosk.value.on ? (
        <button type="button" onClick={stopKiosk}>
          {m.stop}
        </button>
      ) : (
        <>
          <label class="field">
            <span>{m.pin}</span>
            <input
              type="password"
              inputMode="numeric"
              autocomplete="off"
              value={pin.value}
              aria-invalid={pinError.value}
              onInput={(e) => {
                pin.value = e.currentTarget.value;
                pinError.value = false;
              }}
            />
          </label>
          {pinError.value && (
            <p class="error" role="alert">
              {m.badPin}
            </p>
          )}
          <button
            type="button"
            class="primary"
            onClick={() => {
              if (!/^(\d{4,8})?$/.test(pin.value)) {
                pinError.value = true;
                return;
              }
              void startKiosk(pin.value).then(() => (view.value = 'main'));
            }}
          >
            {m.start}
          </button>
        </>
      )}
    </section>
  );
}
