/**
 * Sign-in / setup form: Server URL (default: this app's origin), Store ID, and Username + Password or a
 * pasted access token. Fields set by the deployer's config.json are prefilled. In `reauth` mode (token
 * renewal failed) server and store are fixed: only the credentials are asked again.
 */
import { useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import type { SignInErrorKind } from '../../shared/messages';
import type { DeployConfig } from '../../shared/deploy-config';
import { appState, busy, signIn, signInError } from '../store';

/** Advice shown under each kind of sign-in error. */
const ADVICE: Record<SignInErrorKind, string> = {
  'invalid-settings': 'Check the settings.',
  unreachable: 'Server unreachable.',
  cors: 'The server refused this app (CORS).',
  'not-pps-server': 'Not a Product Photo Sync server.',
  'wrong-credentials': 'Wrong credentials.',
  'store-not-found': 'Store not found.',
  'store-forbidden': 'No access to this store.',
  'server-error': 'The server had a problem; try again later.',
};

/** Props: the deployer's settings and whether this is a renewed sign-in of the current store. */
export interface SignInFormProps {
  config: DeployConfig;
  reauth?: boolean;
}

/** The sign-in form. */
export function SignInForm({ config, reauth = false }: SignInFormProps) {
  const session = appState.value?.session;
  const serverUrl = useSignal(session?.serverUrl || config.serverUrl || window.location.origin);
  const storeId = useSignal(session?.storeId || config.storeId || '');
  const username = useSignal('');
  const password = useSignal('');
  const useToken = useSignal(false);
  const token = useSignal('');
  const error = signInError.value;

  const submit = (event: JSX.TargetedEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const { tokenPath, syncIntervalMs, concurrency, delayMs } = config;
    void signIn(
      { serverUrl: serverUrl.value, storeId: storeId.value, ...{ tokenPath, syncIntervalMs, concurrency, delayMs } },
      useToken.value ? { kind: 'token', token: token.value } : { kind: 'password', username: username.value, password: password.value },
    );
  };
  const field = (label: string, value: typeof serverUrl, props: JSX.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label class="field">
      <span>{label}</span>
      <input {...props} value={value.value} onInput={(e) => (value.value = e.currentTarget.value)} />
    </label>
  );

  return (
    <form class="sign-in" onSubmit={submit} aria-busy={busy.value}>
      {field('Server URL', serverUrl, { type: 'url', required: true, readOnly: reauth, autocomplete: 'url' })}
      {field('Store ID', storeId, { readOnly: reauth, spellcheck: false })}
      <label class="check">
        <input type="checkbox" checked={useToken.value} onChange={(e) => (useToken.value = e.currentTarget.checked)} />
        <span>Use an access token</span>
      </label>
      {useToken.value ? (
        <label class="field">
          <span>Access token</span>
          <textarea value={token.value} onInput={(e) => (token.value = e.currentTarget.value)} rows={3} required spellcheck={false} />
        </label>
      ) : (
        <>
          {field('Username', username, { required: true, autocomplete: 'username' })}
          {field('Password', password, { type: 'password', required: true, autocomplete: 'current-password' })}
        </>
      )}
      {error !== null && (
        <div class="error" role="alert">
          <strong>{ADVICE[error.error]}</strong> {error.message}
        </div>
      )}
      <button type="submit" class="primary" disabled={busy.value}>
        Sign in
      </button>
    </form>
  );
}
