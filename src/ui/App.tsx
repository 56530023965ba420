/**
 * The app shell: title bar (offline badge, install button, settings), the update banner, and the main
 * landmark showing sign-in, the main screen or settings. In kiosk mode the settings button is gone and
 * settings open through a long press on the title.
 */
import { computed } from '@preact/signals';
import { defineMessages, lang } from './i18n';
import { problemText } from './problem-text';
import { kiosk } from './kiosk';
import { view } from './navigation';
import { productView } from './product-pages';
import { appState, bridgeProblem, deployConfig, storeChoices } from './state';
import { MainScreen } from './components/main-screen';
import { LongPressTitle, useKioskUnlock } from './components/kiosk-unlock';
import { InstallButton, OfflineBadge, UpdateBanner } from './components/pwa-controls';
import { SettingsScreen } from './components/settings-screen';
import { SignInScreen } from './components/sign-in-screen';

const messages = defineMessages(
  { starting: 'Starting…', settings: 'Settings' },
  { starting: 'Memulai…', settings: 'Pengaturan' },
);

/**
 * Products come only from a signed-in store's storage (signing out wipes it): with some shown, the gallery
 * need not wait for the state, which waits for the worker's database. A computed, so the shell re-renders
 * when this flips, not on every product page the gallery loads.
 */
const hasProducts = computed(() => (productView.value.matches ?? 0) > 0);

/** Root component. */
export function App() {
  const m = messages();
  const state = appState.value;
  const config = deployConfig.value;
  const signedIn = state?.session.signedIn ?? hasProducts.value;
  const unlock = useKioskUnlock();
  const title = <h1 class="shell-title">Product Photo Sync</h1>;
  return (
    <div class={kiosk.value.on ? 'shell kiosk' : 'shell'}>
      <header class="shell-header">
        {kiosk.value.on ? (
          <LongPressTitle onLongPress={unlock.request}>{title}</LongPressTitle>
        ) : (
          title
        )}
        <OfflineBadge />
        <div class="header-actions">
          <InstallButton />
          {!kiosk.value.on && view.value === 'main' && (
            <button type="button" class="header-button" onClick={() => (view.value = 'settings')}>
              {m.settings}
            </button>
          )}
        </div>
      </header>
      <UpdateBanner />
      <main class="shell-main">
        {unlock.dialog}
        {bridgeProblem.value !== null && (
          <p class="error" role="alert">
            {problemText(lang.value, bridgeProblem.value)}
          </p>
        )}
        {view.value === 'settings' ? (
          <SettingsScreen state={state} />
        ) : signedIn ? (
          <MainScreen
            state={state}
            config={config === null ? null : config.ok ? config.config : {}}
          />
        ) : state === null || config === null ? (
          <p class="shell-empty">{m.starting}</p>
        ) : (
          <SignInScreen config={config} stores={storeChoices.value} />
        )}
      </main>
    </div>
  );
}
