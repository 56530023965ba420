/** The shell's PWA indicators: the offline badge, the install button and the "Update available" banner. */
import { offline } from '../connectivity';
import { defineMessages } from '../i18n';
import { install, installOffer } from '../install';
import { applyUpdate, updateApplying, updateError, updateWaiting } from '../sw-registration';

const messages = defineMessages(
  {
    offline: 'Offline',
    offlineHint: 'The server cannot be reached; stored photos keep showing.',
    install: 'Install app',
    update: 'Update available',
    reload: 'Reload',
    applying: 'Updating…',
    failed: (reason: string) => `The update could not be applied (${reason}). Try again.`,
  },
  {
    offline: 'Luring',
    offlineHint: 'Server tidak dapat dihubungi; foto yang tersimpan tetap tampil.',
    install: 'Pasang aplikasi',
    update: 'Pembaruan tersedia',
    reload: 'Muat ulang',
    applying: 'Memperbarui…',
    failed: (reason: string) => `Pembaruan tidak dapat diterapkan (${reason}). Coba lagi.`,
  },
);

/** "Offline" badge, announced politely when it appears. */
export function OfflineBadge() {
  const m = messages();
  return (
    <span class="badge-slot" aria-live="polite">
      {offline.value && (
        <span class="badge offline-badge" title={m.offlineHint}>
          {m.offline}
        </span>
      )}
    </span>
  );
}

/** Install button, only while the browser offers installation. */
export function InstallButton() {
  const m = messages();
  if (installOffer.value === null) return null;
  return (
    <button type="button" class="header-button" onClick={() => void install()}>
      {m.install}
    </button>
  );
}

/** Banner shown while a new version waits; "Reload" activates it ("Updating…" until the page reloads). */
export function UpdateBanner() {
  const m = messages();
  if (!updateWaiting.value) return null;
  return (
    <section class="update-banner" aria-label={m.update}>
      {updateApplying.value ? (
        <p role="status">{m.applying}</p>
      ) : (
        <>
          <p>{m.update}</p>
          {updateError.value !== null && <p role="alert">{m.failed(updateError.value)}</p>}
          <button type="button" class="primary" onClick={() => void applyUpdate()}>
            {m.reload}
          </button>
        </>
      )}
    </section>
  );
}
