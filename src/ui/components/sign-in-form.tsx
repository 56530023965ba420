/**
 * Sign-in / setup form: Server URL (default: this app's origin), Store ID, and Username + Password or a
 * pasted access token. Fields set by the deployer's config.json are prefilled. In `reauth` mode (token
 * renewal failed) server and store are fixed: only the credentials are asked again.
 */
import { useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import type { DeployConfig } from '../deploy-config-schema';
import { defineMessages, lang } from '../i18n';
import { problemText } from '../problem-text';
import { appState, busy, signIn, signInError } from '../state';

/** The form's texts; field labels stay the same words the deployment guide uses. */
const messages = defineMessages(
  {
    serverUrl: 'Server URL',
    storeId: 'Store ID',
    username: 'Username',
    password: 'Password',
    useToken: 'Use an access token',
    token: 'Access token',
    signIn: 'Sign in',
  },
  {
    serverUrl: 'URL Server',
    storeId: 'ID Toko',
    username: 'Nama pengguna',
    password: 'Kata sandi',
    useToken: 'Gunakan token akses',
    token: 'Token akses',
    signIn: 'Masuk',
  },
);

/** Props: the deployer's settings and whether this is a renewed sign-in of the current store. */
export interface SignInFormProps {
  config: DeployConfig;
  reauth?: boolean;
}

/** The sign-in form. */
export function SignInForm({ config, reauth = false }: SignInFormProps) {
  const m = messages();
  const session = appState.value?.session;
  // Renewal keeps the session's server and store; a fresh setup prefers the deployer's config.json
  // (the engine's own default Server URL is this app's origin).
  const first = (a: string | undefined, b: string | undefined): string | undefined =>
    reauth ? a || b : b || a;
  const serverUrl = useSignal(
    first(session?.serverUrl, config.serverUrl) || window.location.origin,
  );
  const storeId = useSignal(first(session?.storeId, config.storeId) || '');
  const username = useSignal('');
  const password = useSignal('');
  const useToken = useSignal(false);
  const token = useSignal('');
  const error = signInError.value;

  const submit = (event: JSX.TargetedEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const { tokenPath, syncIntervalMs, concurrency, delayMs, listMethod, companyId } = config;
    void signIn(
      {
        serverUrl: serverUrl.value,
        storeId: storeId.value,
        ...{ tokenPath, syncIntervalMs, concurrency, delayMs, listMethod, companyId },
      },
      useToken.value
        ? { kind: 'token', token: token.value }
        : { kind: 'password', username: username.value, password: password.value },
    );
  };
  const field = (
    label: string,
    value: typeof serverUrl,
    props: JSX.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <label class="field">
      <span>{label}</span>
      <input
        {...props}
        value={value.value}
        onInput={(e) => (value.value = e.currentTarget.value)}
      />
    </label>
  );

  return (
    <form class="sign-in" onSubmit={submit} aria-busy={busy.value}>
      {field(m.serverUrl, serverUrl, {
        type: 'url',
        required: true,
        readOnly: reauth,
        autocomplete: 'url',
      })}
      {field(m.storeId, storeId, { readOnly: reauth, spellcheck: false })}
      <label class="check">
        <input
          type="checkbox"
          checked={useToken.value}
          onChange={(e) => (useToken.value = e.currentTarget.checked)}
        />
        <span>{m.useToken}</span>
      </label>
      {useToken.value ? (
        <label class="field">
          <span>{m.token}</span>
          <textarea
            value={token.value}
            onInput={(e) => (token.value = e.currentTarget.value)}
            rows={3}
            required
            spellcheck={false}
          />
        </label>
      ) : (
        <>
          {field(m.username, username, { required: true, autocomplete: 'username' })}
          {field(m.password, password, {
            type: 'password',
            required: true,
            autocomplete: 'current-password',
          })}
        </>
      )}
      {error !== null && (
        <div class="error" role="alert">
          {problemText(lang.value, error.problem)}
        </div>
      )}
      <button type="submit" class="primary" disabled={busy.value}>
        {m.signIn}
      </button>
    </form>
  );
}
