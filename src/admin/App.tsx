/** The console shell: header (language, sign out), then sign-in or the routed view. */
import { useEffect, useState } from 'preact/hooks';
import { endedBy, getJson, session, signOut } from './api';
import { type Lang, lang, setLang, t } from './messages';
import { Overview } from './Overview';
import { route } from './routes';
import { SignIn } from './SignIn';
import { StoreView } from './StoreView';
import { TerminalView } from './TerminalView';

type StoreOption = { id: string; code: string; name: string };

/** The whole console. */
export function App() {
  const m = t();
  const signedIn = session.value !== null;
  const [stores, setStores] = useState<StoreOption[]>([]);
  useEffect(() => {
    if (!signedIn) return;
    getJson<{ stores: StoreOption[] }>('/api/v1/admin/stores/')
      .then((d) => setStores(d.stores))
      // Without the list the store filter only offers "All stores"; the views report failures themselves.
      .catch(() => setStores([]));
  }, [signedIn]);
  const r = route.value;
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {m.skip}
      </a>
      <header class="shell-header">
        <span class="brand">{m.title}</span>
        <label class="lang">
          {m.language}
          <select value={lang.value} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
            <option value="en">English</option>
            <option value="id">Bahasa Indonesia</option>
          </select>
        </label>
        {signedIn && (
          <button type="button" onClick={signOut}>
            {m.signOut}
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {!signedIn ? (
          <SignIn ended={endedBy.value} />
        ) : r.view === 'terminal' ? (
          <TerminalView key={`${r.storeId}/${r.terminalId}`} {...r} />
        ) : r.view === 'store' ? (
          <StoreView key={r.storeId} storeId={r.storeId} />
        ) : (
          <Overview stores={stores} />
        )}
      </main>
    </div>
  );
}
