/**
 * Tells a connection this worker's own Content Security Policy refused from one the network failed.
 * Both reject fetch() with the same TypeError; only the policy block also fires `securitypolicyviolation`
 * on the worker's global scope (verified in Chromium). The event is queued as a task of its own, so it
 * arrives just after the rejection: a probe waits briefly for it. Where a browser does not fire it in
 * workers, a blocked server is reported as unreachable, as before.
 */

import type { ProbeResult } from '../sync/ports';

/** Upper bound on the wait for the violation event after a refused probe (it normally comes in the next task). */
const VIOLATION_WAIT_MS = 500;

type Watcher = (blockedOrigin: string, allowed: string[]) => void;
const watchers = new Set<Watcher>();

/** The connect-src (else default-src) origins of a policy, with 'self' spelled out as `selfOrigin`. */
function connectOrigins(policy: string, selfOrigin: string): string[] {
  const directives = policy.split(/[;,]/).map((d) => d.trim().split(/\s+/));
  const sources =
    (
      directives.find(([name]) => name === 'connect-src') ??
      directives.find(([name]) => name === 'default-src')
    )?.slice(1) ?? [];
  return sources
    .filter((s) => s === "'self'" || !s.startsWith("'"))
    .map((s) => (s === "'self'" ? selfOrigin : s));
}

/** Handler of the worker's `securitypolicyviolation` events (wired in sw.ts). */
export function onPolicyViolation(event: SecurityPolicyViolationEvent): void {
  if (
    event.effectiveDirective !== 'connect-src' ||
    event.disposition !== 'enforce' ||
    !URL.canParse(event.blockedURI)
  )
    return;
  const blockedOrigin = new URL(event.blockedURI).origin;
  const allowed = connectOrigins(event.originalPolicy, self.location.origin);
  for (const watch of watchers) watch(blockedOrigin, allowed);
}

/** Fetches `url` once without CORS (nothing is read) and says whether it answered, failed, or was refused by policy. */
export async function probeConnection(url: string): Promise<ProbeResult> {
  const origin = new URL(url).origin;
  let blocked = null as string[] | null;
  let seen = (): void => {};
  const watch: Watcher = (blockedOrigin, allowed) => {
    if (blockedOrigin !== origin) return;
    blocked = allowed;
    seen();
  };
  watchers.add(watch);
  try {
    const answered = await fetch(url, { mode: 'no-cors', cache: 'no-store' }).then(
      () => true,
      () => false,
    );
    if (answered) return { kind: 'answers' };
    if (blocked === null) {
      await new Promise<void>((done) => {
        seen = done;
        setTimeout(done, VIOLATION_WAIT_MS);
      });
    }
    return blocked === null ? { kind: 'no-answer' } : { kind: 'blocked', allowed: blocked };
  } finally {
    watchers.delete(watch);
  }
}
