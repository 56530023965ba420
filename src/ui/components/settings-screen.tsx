/** Settings: server and store (sign out / change store), sync tuning, language, kiosk mode and the app version. */
import type { AppState } from '../../shared/messages';
import { defineMessages } from '../i18n';
import { view } from '../navigation';
import { AccountPanel } from './account-panel';
import { KioskSettings } from './kiosk-settings';
import { LanguageSwitch } from './language-switch';
import { SyncSettingsForm } from './sync-settings-form';

const messages = defineMessages(
  { title: 'Settings', back: 'Back', general: 'Display', version: (v: string) => `Version ${v}` },
  {
    title: 'Pengaturan',
    back: 'Kembali',
    general: 'Tampilan',
    version: (v: string) => `Versi ${v}`,
  },
);

/** The settings screen; server, store and sync settings only once a store is signed in. */
export function SettingsScreen({ state }: { state: AppState | null }) {
  const m = messages();
  const signedIn = state?.session.signedIn === true;
  return (
    <section class="panel settings" aria-labelledby="settings-title">
      <div class="settings-head">
        <h2 id="settings-title">{m.title}</h2>
        <button type="button" onClick={() => (view.value = 'main')}>
          {m.back}
        </button>
      </div>
      {signedIn && state !== null && <AccountPanel session={state.session} />}
      {signedIn && <SyncSettingsForm />}
      <section class="settings-group" aria-labelledby="display-title">
        <h3 id="display-title">{m.general}</h3>
        <LanguageSwitch />
      </section>
      <KioskSettings />
      <p class="meta">{m.version(__APP_VERSION__)}</p>
    </section>
  );
}
