/** The admin sign-in form (same token endpoint as terminals; only admin accounts get in). */
import { useState } from 'preact/hooks';
import { type ApiFailure, ApiError, signIn } from './api';
import { t } from './messages';
import { FailureNote } from './parts';

/** The sign-in page; `ended` explains why a session just ended. */
export function SignIn({ ended }: { ended: ApiFailure | null }) {
  const m = t();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(ended);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setFailure(null);
    try {
      await signIn(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
    } catch (err) {
      setFailure(
        err instanceof ApiError ? err.failure : { code: 'server', status: 0, message: String(err) },
      );
      setBusy(false);
    }
  };
  return (
    <>
      <h1>{m.signInTitle}</h1>
      <p>{m.signInHint}</p>
      <form class="sign-in" onSubmit={(e) => void submit(e)}>
        <label>
          {m.username}
          <input name="username" autocomplete="username" required />
        </label>
        <label>
          {m.password}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? m.signingIn : m.signIn}
        </button>
      </form>
      <FailureNote failure={failure} />
    </>
  );
}
