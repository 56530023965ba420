/**
 * Sign-in / setup form: Server URL (default: this app's origin), Store ID, and Username + Password or a
 * pasted access token. Fields set by the deployer's config.json are prefilled. In `reauth` mode (token
 * renewal failed) server and store are fixed: only the credentials are asked again.
 */
import { useSignal } from '@preact/signals';
import type { JSX } from 'preact';
import type { SignInErrorKind } from '../../shared/messages';
import type { DeployConfig } from '../../shared/deploy-config';
import { defineMessages } from '../i18n';
import { appState, busy, signIn, signInError } from '../store';

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
    'invalid-settings': 'Check the settings.',
    unreachable: 'Server unreachable.',
    'blocked-by-policy': "Blocked by this app's security policy.",
    cors: 'The server refused this app (CORS).',
    'not-pps-server': 'Not a Product Photo Sync server.',
    'wrong-credentials': 'Wrong credentials.',
    'store-not-found': 'Store not found.',
    'store-forbidden': 'No access to this store.',
    'server-error': 'The server had a problem; try again later.',
    corsFix: (server: string, origin: string) =>
      `${server} answers, but not to this app. On that server add ${origin} to the allowed origins (CORS_ORIGINS), or serve this app from the server's own address.`,
    policyFix: (server: string, allowed: string) =>
      `This app may only connect to ${allowed}. To use ${server}, set "serverUrl" in config.json next to index.html to ${server}, or run the reference server in proxy mode (--proxy) so the HO is the app's own origin.`,
  },
  {
    serverUrl: 'URL Server',
    storeId: 'ID Toko',
    username: 'Nama pengguna',
    password: 'Kata sandi',
    useToken: 'Gunakan token akses',
    token: 'Token akses',
    signIn: 'Masuk',
    'invalid-settings': 'Periksa pengaturan.',
    unreachable: 'Server tidak dapat dihubungi.',
    'blocked-by-policy': 'Diblokir oleh kebijakan keamanan aplikasi ini.',
    cors: 'Server menolak aplikasi ini (CORS).',
    'not-pps-server': 'Bukan server Product Photo Sync.',
    'wrong-credentials': 'Kredensial salah.',
    'store-not-found': 'Toko tidak ditemukan.',
    'store-forbidden': 'Tidak ada akses ke toko ini.',
    'server-error': 'Server bermasalah; coba lagi nanti.',
    corsFix: (server: string, origin: string) =>
      `${server} menjawab, tetapi tidak untuk aplikasi ini. Di server itu tambahkan ${origin} ke daftar origin yang diizinkan (CORS_ORIGINS), atau buka aplikasi ini dari alamat server itu sendiri.`,
    policyFix: (server: string, allowed: string) =>
      `Aplikasi ini hanya boleh terhubung ke ${allowed}. Untuk memakai ${server}, isi "serverUrl" di config.json (di sebelah index.html) dengan ${server}, atau jalankan server referensi dalam mode proxy (--proxy) agar HO berada di origin aplikasi ini sendiri.`,
  },
);

/** The origin of a typed Server URL, or the trimmed text while it is not a URL. */
function originOf(typed: string): string {
  const text = typed.trim();
  return URL.canParse(text) ? new URL(text).origin : text;
}

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
  const heading = (kind: SignInErrorKind): string => m[kind];

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
          <strong>{heading(error.error)}</strong>{' '}
          {/* The SW's English detail names the cause; CORS and a policy block get the translated fix instead. */}
          {error.error === 'cors'
            ? m.corsFix(serverUrl.value.trim().replace(/\/+$/, ''), window.location.origin)
            : error.error === 'blocked-by-policy' && error.allowedOrigins?.length
              ? m.policyFix(originOf(serverUrl.value), error.allowedOrigins.join(', '))
              : error.message}
        </div>
      )}
      <button type="submit" class="primary" disabled={busy.value}>
        {m.signIn}
      </button>
    </form>
  );
}
