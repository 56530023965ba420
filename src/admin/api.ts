/**
 * The console's HO client: signs in through the same token endpoints as terminals, keeps the token
 * pair in sessionStorage (this tab only, never in a URL) and calls the admin fleet API with it,
 * refreshing the access token once when it expired.
 */
import { signal } from '@preact/signals';

/** The signed-in session, or null. */
export const session = signal<Tokens | null>(readTokens());

/** Why the session last ended on its own (shown on the sign-in form), or null. */
export const endedBy = signal<ApiFailure | null>(null);

/** Why the last sign-in or call failed, as a code the UI turns into a sentence. */
export type ApiFailure =
  | { code: 'bad-credentials' }
  | { code: 'not-admin' }
  | { code: 'session-ended' }
  | { code: 'unreachable' }
  | { code: 'not-found' }
  | { code: 'server'; status: number; message: string };

/** A failed call, carrying its ApiFailure. */
export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.code);
  }
}

interface Tokens {
  access: string;
  refresh: string;
}

const STORAGE_KEY = 'fleet-session';

function readTokens(): Tokens | null {
  try {
    const raw = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Tokens> | null;
    return typeof raw?.access === 'string' && typeof raw.refresh === 'string'
      ? { access: raw.access, refresh: raw.refresh }
      : null;
  } catch {
    return null;
  }
}

function keep(tokens: Tokens | null): void {
  session.value = tokens;
  if (tokens) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(STORAGE_KEY);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError({ code: 'unreachable' });
  }
}

async function tokenCall(path: string, body: unknown): Promise<Tokens | null> {
  const res = await send(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status === 401 || res.status === 400) return null;
  if (!res.ok) throw await failure(res);
  const json = (await res.json()) as Partial<Tokens>;
  if (typeof json.access !== 'string' || typeof json.refresh !== 'string')
    throw new ApiError({ code: 'server', status: res.status, message: 'no token in the answer' });
  return { access: json.access, refresh: json.refresh };
}

async function failure(res: Response): Promise<ApiError> {
  if (res.status === 404) return new ApiError({ code: 'not-found' });
  let message = res.statusText;
  try {
    const json = (await res.json()) as { message?: unknown; detail?: unknown };
    message = String(json.message ?? json.detail ?? message);
  } catch {
    // Not JSON (a proxy's error page): the status line says enough.
  }
  return new ApiError({ code: 'server', status: res.status, message });
}

/** Signs in; resolves when signed in as an admin, else throws ApiError (bad credentials, not admin). */
export async function signIn(username: string, password: string): Promise<void> {
  const tokens = await tokenCall('/api/token/', { username, password });
  if (!tokens) throw new ApiError({ code: 'bad-credentials' });
  keep(tokens);
  try {
    await getJson('/api/v1/admin/fleet/?limit=1');
  } catch (e) {
    keep(null);
    throw e;
  }
  endedBy.value = null;
}

/** Forgets the session. */
export function signOut(): void {
  endedBy.value = null;
  keep(null);
}

function end(why: ApiFailure): never {
  endedBy.value = why;
  keep(null);
  throw new ApiError(why);
}

/** GETs an admin API path and returns its `data`; 401 refreshes once, then ends the session. */
export async function getJson<T>(path: string): Promise<T> {
  const signedIn = session.value;
  if (!signedIn) throw new ApiError({ code: 'session-ended' });
  let tokens: Tokens = signedIn;
  for (let attempt = 0; ; attempt++) {
    const res = await send(path, { headers: { Authorization: `Bearer ${tokens.access}` } });
    if (res.ok) return ((await res.json()) as { data: T }).data;
    if (res.status === 403) return end({ code: 'not-admin' });
    if (res.status !== 401) throw await failure(res);
    const refreshed: Tokens | null =
      attempt === 0 ? await tokenCall('/api/token/refresh/', { refresh: tokens.refresh }) : null;
    if (!refreshed) return end({ code: 'session-ended' });
    keep(refreshed);
    tokens = refreshed;
  }
}
