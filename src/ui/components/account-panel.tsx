/** Server and store of this terminal, and sign out / change store after confirming that it deletes this store's photos. */
import { useSignal } from '@preact/signals';
import type { Session } from '../../shared/messages';
import { defineMessages } from '../i18n';
import { view } from '../navigation';
import { appState, busy, command } from '../state';

const messages = defineMessages(
  {
    title: 'Server and store',
    server: 'Server',
    store: 'Store',
    warning:
      'Signing out deletes every photo of this store from this terminal. They download again after the next sign-in.',
    confirm: 'Sign out and delete photos',
    cancel: 'Cancel',
    signOut: 'Sign out / change store',
  },
  {
    title: 'Server dan toko',
    server: 'Server',
    store: 'Toko',
    warning:
      'Keluar akan menghapus semua foto toko ini dari terminal ini. Foto diunduh lagi setelah masuk kembali.',
    confirm: 'Keluar dan hapus foto',
    cancel: 'Batal',
    signOut: 'Keluar / ganti toko',
  },
);

/** Shows the signed-in server and store, and the confirmed sign-out. */
export function AccountPanel({ session }: { session: Session }) {
  const m = messages();
  const confirming = useSignal(false);
  const signOut = async (): Promise<void> => {
    await command('sign-out');
    confirming.value = false;
    // Signed out, the settings screen has nothing of this store left: show the sign-in screen.
    if (appState.value?.session.signedIn === false) view.value = 'main';
  };
  return (
    <section class="account" aria-labelledby="account-title">
      <h2 id="account-title">{m.title}</h2>
      <dl class="facts">
        <dt>{m.server}</dt>
        <dd>{session.serverUrl}</dd>
        <dt>{m.store}</dt>
        <dd>{session.storeName ?? session.storeId}</dd>
      </dl>
      {confirming.value ? (
        <div class="prompt" role="alertdialog" aria-labelledby="sign-out-warning">
          <p id="sign-out-warning">{m.warning}</p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              disabled={busy.value}
              onClick={() => void signOut()}
            >
              {m.confirm}
            </button>
            <button type="button" onClick={() => (confirming.value = false)}>
              {m.cancel}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => (confirming.value = true)}>
          {m.signOut}
        </button>
      )}
    </section>
  );
}
