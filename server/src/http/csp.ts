/**
 * Content Security Policy of the service worker script. A worker's policy comes from its own response
 * headers (the page's <meta> policy does not reach it), and the worker is what talks to the HO: it may
 * connect to the app's own origin and to the HO origin the deployer configured in config.json.
 * 'wasm-unsafe-eval' is here only because the MD5 check (hash-wasm) compiles WebAssembly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a config.json problem is reported (the request's logger in the server). */
export type CspWarn = (message: string) => void;

/** Problems already reported, so a broken config.json warns once, not on every sw.js request. */
const reported = new Set<string>();

function warnOnce(warn: CspWarn, message: string): void {
  if (reported.has(message)) return;
  reported.add(message);
  warn(message);
}

/** The config.json text, or null when the deployer did not provide one (the normal case). */
async function configText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot be read (${(err as Error).message})`);
  }
}

/** The origin of `serverUrl` in config.json, or null when unset; throws a message for a broken file. */
function originFromConfig(text: string): string | null {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new Error(`is not valid JSON (${(err as Error).message})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new Error('is not a JSON object');
  const serverUrl = (config as { serverUrl?: unknown }).serverUrl;
  if (serverUrl === undefined) return null;
  const url = typeof serverUrl === 'string' && URL.canParse(serverUrl) ? new URL(serverUrl) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`has a "serverUrl" that is not an http(s) URL: ${JSON.stringify(serverUrl)}`);
  }
  return url.origin;
}

/** Origin of `serverUrl` in the static dir's config.json; null (strict policy, warned once) when it is missing or broken. */
async function configuredHoOrigin(staticRoot: string, warn: CspWarn): Promise<string | null> {
  const path = join(staticRoot, 'config.json');
  try {
    const text = await configText(path);
    return text === null ? null : originFromConfig(text);
  } catch (err) {
    warnOnce(
      warn,
      `${path} ${(err as Error).message}: the service worker may connect only to the app's own origin until it is fixed`,
    );
    return null;
  }
}

/**
 * The policy header value for sw.js served from `staticRoot` (read per request: config.json may change
 * without a restart); `extra`: further origins the server itself knows the worker needs (its image origin).
 */
export async function workerCsp(
  staticRoot: string,
  warn: CspWarn,
  extra: readonly string[] = [],
): Promise<string> {
  const ho = await configuredHoOrigin(staticRoot, warn);
  const connect = ["'self'", ...(ho === null ? [] : [ho]), ...extra].join(' ');
  return `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src ${connect}`;
}
