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

/** An http(s) URL's origin; throws a message naming the config.json `field` otherwise. */
function httpOrigin(value: unknown, field: string): string {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new Error(`has a "${field}" that is not an http(s) URL: ${JSON.stringify(value)}`);
  return url.origin;
}

/**
 * The origins config.json lets the worker reach: `serverUrl`'s and every `imageOrigins` entry (where
 * `image_url` points, e.g. MinIO beside an upstream HO); throws a message for a broken file.
 */
function originsFromConfig(text: string): string[] {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new Error(`is not valid JSON (${(err as Error).message})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new Error('is not a JSON object');
  const { serverUrl, imageOrigins } = config as { serverUrl?: unknown; imageOrigins?: unknown };
  if (imageOrigins !== undefined && !Array.isArray(imageOrigins))
    throw new Error('has an "imageOrigins" that is not a list of http(s) URLs');
  return [
    ...(serverUrl === undefined ? [] : [httpOrigin(serverUrl, 'serverUrl')]),
    ...(imageOrigins ?? []).map((o: unknown) => httpOrigin(o, 'imageOrigins')),
  ];
}

/** Origins the static dir's config.json allows; none (strict policy, warned once) when it is missing or broken. */
async function configuredOrigins(staticRoot: string, warn: CspWarn): Promise<string[]> {
  const path = join(staticRoot, 'config.json');
  try {
    const text = await configText(path);
    return text === null ? [] : originsFromConfig(text);
  } catch (err) {
    warnOnce(
      warn,
      `${path} ${(err as Error).message}: the service worker may connect only to the app's own origin until it is fixed`,
    );
    return [];
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
  const origins = new Set([...(await configuredOrigins(staticRoot, warn)), ...extra]);
  const connect = ["'self'", ...origins].join(' ');
  return `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src ${connect}`;
}
