/**
 * Every condition a person is told about, as a code with parameters: what crosses from the service
 * worker to the page (sign-in failures, run states, refused settings, bridge failures). No sentences:
 * the UI's message tables (src/ui/problem-text.ts) word each code in English and Bahasa Indonesia.
 */

/** A condition to tell a person about; parameters are data (URLs, ids, numbers), never prose. */
export type Problem =
  | { code: 'settings.server-url-missing' }
  | { code: 'settings.store-id-missing' }
  | { code: 'settings.server-url-scheme' }
  /** A sync setting that cannot work (`setting`: its key, e.g. "concurrency"). */
  | { code: 'settings.out-of-range'; setting: string }
  /** The deployer's config.json answered HTTP `status` (not 404): none of it is applied. */
  | { code: 'config.unreadable'; status: number }
  /** config.json is not JSON or not one JSON object: none of it is applied. */
  | { code: 'config.not-an-object' }
  /** config.json has unknown fields or values that cannot work (each named): none of it is applied. */
  | { code: 'config.malformed'; fields: ConfigFieldProblem[] }
  /** Sign-in refused: `credentials` says what was refused (a stored session when renewing). */
  | { code: 'auth.wrong-credentials'; credentials: 'password' | 'token' | 'session' }
  /** The HO refused the stored tokens during a run (renewal failed): sign in again. */
  | { code: 'auth.expired' }
  | { code: 'http.unreachable'; server: string }
  /** The HO answers, but not to requests from `origin` (its CORS configuration). */
  | { code: 'http.cors'; server: string; origin: string }
  /** This app's own Content Security Policy refuses `server`; `allowed`: what it allows (may be empty). */
  | { code: 'http.blocked-by-policy'; server: string; allowed: string[] }
  /** The server answers, but not like the API; `reason`: the short technical reason ("HTTP 404"). */
  | { code: 'http.not-pps-server'; server: string; reason: string }
  | { code: 'http.server-error'; reason: string }
  | { code: 'http.offline' }
  | { code: 'http.status'; status: number }
  | { code: 'http.timeout' }
  | { code: 'http.connection-closed' }
  /** The HO answered something that cannot be trusted; `field` names it, e.g. "photos[3].checksum". */
  | { code: 'http.invalid-response'; field: string }
  | { code: 'store.not-found'; storeId: string }
  | { code: 'store.not-listed'; storeId: string }
  | { code: 'store.forbidden'; storeId: string }
  | { code: 'sync.checksum-mismatch' }
  | { code: 'sync.size-mismatch' }
  /** The photo is not a JPEG, PNG, WebP, GIF or AVIF (listed type or magic number): never stored. */
  | { code: 'sync.unsupported-image-type' }
  | { code: 'sync.listing-unstable' }
  | { code: 'sync.stopped' }
  | { code: 'storage.full' }
  /** The page found no service worker to talk to (unsupported browser, development server). */
  | { code: 'bridge.no-service-worker' }
  | { code: 'bridge.not-ready'; waiting: boolean }
  | { code: 'bridge.timeout'; command: string; seconds: number }
  /** Something failed that should not (a bug, a storage failure); `detail` is for a developer. */
  | { code: 'internal'; detail: string };

/** What is wrong with one config.json field: the rule its value breaks. */
export type ConfigFieldProblem = { field: string } & (
  | { rule: 'unknown'; allowed: string[] }
  | { rule: 'text' }
  | { rule: 'http-url' }
  | { rule: 'path' }
  | { rule: 'whole-number'; min: number }
  | { rule: 'list-method' }
  | { rule: 'id' }
  | { rule: 'origins' }
);

/** Every problem code. */
export type ProblemCode = Problem['code'];

/** The problem with code `C`. */
export type ProblemOf<C extends ProblemCode> = Extract<Problem, { code: C }>;

/** An error that carries a problem for the person (bad settings and sign-in refusals). */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(readonly problem: Problem) {
    super(problem.code);
  }
}
