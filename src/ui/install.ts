/** The install offer: Chromium's `beforeinstallprompt`, kept until the person presses the install button. */
import { signal } from '@preact/signals';

/** The non-standard event Chromium fires when the app may be installed. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** The pending offer; null when the browser has not offered installation (or it was used). */
export const installOffer = signal<BeforeInstallPromptEvent | null>(null);

/** Listens for the browser's offer and for a completed installation. */
export function watchInstallOffer(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    // Keeps the browser's own mini-infobar away; the header shows the app's button instead.
    event.preventDefault();
    installOffer.value = event as BeforeInstallPromptEvent;
  });
  window.addEventListener('appinstalled', () => (installOffer.value = null));
}

/** Shows the browser's install dialog; an offer can be used once. */
export async function install(): Promise<void> {
  const offer = installOffer.value;
  if (offer === null) return;
  installOffer.value = null;
  await offer.prompt();
  await offer.userChoice;
}
