/** The app shell: title bar and main landmark, showing sign-in (with the store picker) or the main screen. */
import { appState, bridgeProblem, deployConfig, storeChoices } from './store';
import { MainScreen } from './components/main-screen';
import { SignInScreen } from './components/sign-in-screen';

/** Root component. */
export function App() {
  const state = appState.value;
  const config = deployConfig.value;
  return (
    <div class="shell">
      <header class="shell-header">
        <h1 class="shell-title">Product Photo Sync</h1>
      </header>
      <main class="shell-main">
        {bridgeProblem.value !== null && (
          <p class="error" role="alert">
            {bridgeProblem.value}
          </p>
        )}
        {state === null || config === null ? (
          <p class="shell-empty">Starting…</p>
        ) : state.session.signedIn ? (
          <MainScreen state={state} config={config.ok ? config.config : {}} />
        ) : (
          <SignInScreen config={config} stores={storeChoices.value} />
        )}
      </main>
    </div>
  );
}
