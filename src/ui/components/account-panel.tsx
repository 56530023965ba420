/** Sign out / change store, after a confirmation that it deletes this store's photos from the terminal. */
import { useSignal } from '@preact/signals';
import type { Session } from '../../shared/messages';
import { busy, command } from '../store';

/** Shows the signed-in server and store, and the confirmed sign-out. */
export function AccountPanel({ session }: { session: Session }) {
  const confirming = useSignal(false);
  return (
    <section class="account" aria-label="Account">
      <p class="meta">
        Store {session.storeName ?? session.storeId} on {session.serverUrl}
      </p>
      {confirming.value ? (
        <div class="prompt" role="alertdialog" aria-labelledby="sign-out-title">
          <p id="sign-out-title">Signing out deletes every photo of this store from this terminal. They download again after the next sign-in.</p>
          <button type="button" class="danger" disabled={busy.value} onClick={() => void command('sign-out').then(() => (confirming.value = false))}>
            Sign out and delete photos
          </button>
          <button type="button" onClick={() => (confirming.value = false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => (confirming.value = true)}>
          Sign out / change store
        </button>
      )}
    </section>
  );
}
