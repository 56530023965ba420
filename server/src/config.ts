/**
 * The reference HO server's configuration, read and validated in this one place from command-line
 * flags (which win) and environment variables. Anything invalid throws ConfigError with one clear line.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HASH_CPU_SHARE } from './auth/hash-slots';
import { DEFAULT_LIMITS, type ThrottleLimits } from './auth/login-throttle';
import { secureDataDir } from './data-dir';
import type { CatalogOptions } from './demo/bench-catalog';
import { type FaultSettings, DEFAULT_FAULTS, FAULT_ROUTES, validateFaults } from './faults';

/** A configuration problem: main prints its message on one line and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The server profiles (see `Config.profile`). */
export const PROFILES = ['reference', 'upstream'] as const;
/** One of PROFILES. */
export type ServerProfile = (typeof PROFILES)[number];

/** The validated server configuration. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres:// URL: metadata, photo bytes and token blacklist in PostgreSQL instead of the data dir. */
  databaseUrl?: string;
  staticDir: string;
  adminUsername: string;
  /** The configured admin's password; absent outside demo mode without ADMIN_PASSWORD. */
  adminPassword?: string;
  /**
   * Demo mode: no ADMIN_PASSWORD and demo data not turned off. Only then do the demo sign-ins
   * (admin/admin, the demo store users) work; loud warning, CORS any.
   */
  demoMode: boolean;
  jwtSecret: string;
  accessTtlS: number;
  refreshTtlS: number;
  /** Absolute session lifetime from the password sign-in (refresh rotation cannot extend it). */
  sessionMaxS: number;
  /** Fleet console: a terminal with no status report for this many seconds is "silent". */
  fleetSilentAfterS: number;
  /** '*' = any origin; [] = no cross-origin access. */
  corsOrigins: '*' | string[];
  proxyUrl?: URL;
  referenceOnly: boolean;
  /**
   * `reference`: the API reference (plus extensions); `upstream`: the HO as upstream deploys it
   * (POST-only flat list, /api/v1/token/ only, photos only via image_url on a second listener).
   */
  profile: ServerProfile;
  /** Port of the upstream profile's image origin (0 = any free port). */
  imagePort: number;
  /** Seed the demo catalog (two stores, demo users) into an empty data dir. */
  demo: boolean;
  catalog?: CatalogOptions;
  faults: FaultSettings;
  /** Base URL used in image_url; derived from each request's Host when absent. */
  publicUrl?: string;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Failed sign-ins allowed per username and per address before a lock. */
  loginLimits: ThrottleLimits;
  /** Share (0-1] of the hashing slots' time password hashes may use over time (a flood gets 429 beyond it). */
  hashCpuShare: number;
}

/** The admin password of demo mode (the demo data dir's default admin). */
export const DEMO_ADMIN_PASSWORD = 'admin';

/** What --help prints: every flag with its environment variable and default. */
export const USAGE = `Usage: node --import tsx server/src/main.ts [flags]   (every flag also reads the env var shown)
  --port N                PORT                    listen port (default 8000; 0 = any free port)
  --host H                HOST                    listen address (default 127.0.0.1)
  --data-dir DIR          DATA_DIR                SQLite metadata + image files (default ./.data)
  --database-url URL      DATABASE_URL            postgres://user:pass@host:port/db: everything in PostgreSQL (needs JWT_SECRET)
  --static-dir DIR        STATIC_DIR              built PWA served at / (default ./dist)
  --admin-username U      ADMIN_USERNAME          admin user (default admin)
  --admin-password P      ADMIN_PASSWORD          admin password (default admin in demo mode, with a warning; none otherwise)
  --jwt-secret S          JWT_SECRET              HS256 secret, >= 16 chars (default: generated into <data-dir>/jwt-secret)
  --access-ttl T          ACCESS_TOKEN_LIFETIME   access token lifetime: seconds or 30s/15m/1h/1d (default 60m)
  --refresh-ttl T         REFRESH_TOKEN_LIFETIME  refresh token lifetime (default 1d)
  --session-lifetime T    SESSION_LIFETIME        absolute session lifetime from the password sign-in (default 30d)
  --fleet-silent-after T  FLEET_SILENT_AFTER      fleet console: no report for this long = silent (default 1d)
  --cors-origins LIST     CORS_ORIGINS            comma-separated origins, * = any, none = off (default * in demo mode, else none)
  --proxy URL             HO_PROXY_URL            forward /api/ to this real HO instead of the embedded one
  --public-url URL        PUBLIC_URL              base URL for image_url (default: from the request's Host)
  --reference-only        REFERENCE_ONLY=1        serve only the API reference: no extensions
  --profile P             HO_PROFILE              reference | upstream (POST-only flat list, /api/v1/token/ only,
                                                  photos only via image_url on a second port) (default reference)
  --image-port N          IMAGE_PORT              upstream profile: port of the image origin (default 0 = any free port)
  --no-demo               DEMO=0                  do not seed the demo catalog and demo users
  --catalog N             CATALOG_PHOTOS          also generate a benchmark catalog of N photos in its own store (kept across restarts)
  --avg-bytes B           CATALOG_AVG_BYTES       average photo size of the benchmark catalog (default 100000)
  --catalog-seed S        CATALOG_SEED            random seed of the benchmark catalog
  --log-level L           LOG_LEVEL               silent|error|warn|info|debug (default warn)
  --max-failed-logins N   MAX_FAILED_LOGINS       failed sign-ins per username per 15 min before 429 (default ${DEFAULT_LIMITS.perUser})
  --max-failed-logins-per-address N  MAX_FAILED_LOGINS_PER_ADDRESS  the same per client address (default ${DEFAULT_LIMITS.perAddress})
  --hash-cpu-share PCT    HASH_CPU_SHARE          percent of the password-hashing slots' time sign-ins may use over time (default ${DEFAULT_HASH_CPU_SHARE * 100})
  --fault-latency-ms N    FAULT_LATENCY_MS        added latency per API request
  --fault-error-rate R    FAULT_ERROR_RATE        share of API requests answered with --fault-error-status
  --fault-error-status S  FAULT_ERROR_STATUS      500 or 503 (default 503)
  --fault-429-rate R      FAULT_429_RATE          share of API requests answered 429 with Retry-After
  --fault-retry-after N   FAULT_RETRY_AFTER       Retry-After seconds of injected 429s (default 1)
  --fault-corrupt-rate R  FAULT_CORRUPT_RATE      share of downloads with a flipped byte
  --fault-truncate-rate R FAULT_TRUNCATE_RATE     share of downloads cut off half way
  --fault-access-ttl N    FAULT_ACCESS_TTL        access tokens issued now expire after N seconds
  --fault-routes LIST     FAULT_ROUTES            routes faults apply to: ${FAULT_ROUTES.join(',')} (default all)
  --help                                          show this help`;

const OPTIONS = {
  port: { type: 'string', env: 'PORT' },
  host: { type: 'string', env: 'HOST' },
  'data-dir': { type: 'string', env: 'DATA_DIR' },
  'database-url': { type: 'string', env: 'DATABASE_URL' },
  'static-dir': { type: 'string', env: 'STATIC_DIR' },
  'admin-username': { type: 'string', env: 'ADMIN_USERNAME' },
  'admin-password': { type: 'string', env: 'ADMIN_PASSWORD' },
  'jwt-secret': { type: 'string', env: 'JWT_SECRET' },
  'access-ttl': { type: 'string', env: 'ACCESS_TOKEN_LIFETIME' },
  'refresh-ttl': { type: 'string', env: 'REFRESH_TOKEN_LIFETIME' },
  'session-lifetime': { type: 'string', env: 'SESSION_LIFETIME' },
  'fleet-silent-after': { type: 'string', env: 'FLEET_SILENT_AFTER' },
  'cors-origins': { type: 'string', env: 'CORS_ORIGINS' },
  proxy: { type: 'string', env: 'HO_PROXY_URL' },
  'public-url': { type: 'string', env: 'PUBLIC_URL' },
  'reference-only': { type: 'boolean', env: 'REFERENCE_ONLY' },
  profile: { type: 'string', env: 'HO_PROFILE' },
  'image-port': { type: 'string', env: 'IMAGE_PORT' },
  demo: { type: 'boolean', env: 'DEMO' },
  'no-demo': { type: 'boolean', env: '' },
  catalog: { type: 'string', env: 'CATALOG_PHOTOS' },
  'avg-bytes': { type: 'string', env: 'CATALOG_AVG_BYTES' },
  'catalog-seed': { type: 'string', env: 'CATALOG_SEED' },
  'log-level': { type: 'string', env: 'LOG_LEVEL' },
  'max-failed-logins': { type: 'string', env: 'MAX_FAILED_LOGINS' },
  'max-failed-logins-per-address': { type: 'string', env: 'MAX_FAILED_LOGINS_PER_ADDRESS' },
  'hash-cpu-share': { type: 'string', env: 'HASH_CPU_SHARE' },
  'fault-latency-ms': { type: 'string', env: 'FAULT_LATENCY_MS' },
  'fault-error-rate': { type: 'string', env: 'FAULT_ERROR_RATE' },
  'fault-error-status': { type: 'string', env: 'FAULT_ERROR_STATUS' },
  'fault-429-rate': { type: 'string', env: 'FAULT_429_RATE' },
  'fault-retry-after': { type: 'string', env: 'FAULT_RETRY_AFTER' },
  'fault-corrupt-rate': { type: 'string', env: 'FAULT_CORRUPT_RATE' },
  'fault-truncate-rate': { type: 'string', env: 'FAULT_TRUNCATE_RATE' },
  'fault-access-ttl': { type: 'string', env: 'FAULT_ACCESS_TTL' },
  'fault-routes': { type: 'string', env: 'FAULT_ROUTES' },
  help: { type: 'boolean', env: '' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The data dir from a --data-dir/DATA_DIR value (default ./.data), absolute; shared with the CLI. */
export function dataDirFrom(value: string | undefined): string {
  return resolve(value ?? '.data');
}

/** True when the arguments ask for --help (checked before validation so help always works). */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Reads flags and env into a validated Config. Creates the data dir and, when no secret is
 * configured, generates and persists `<data-dir>/jwt-secret` so tokens survive restarts.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const parseOptions = Object.fromEntries(
    Object.entries(OPTIONS).map(([name, o]) => [name, { type: o.type }]),
  ) as Record<OptionName, { type: 'string' | 'boolean' }>;
  let values: Partial<Record<OptionName, string | boolean>>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: parseOptions,
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new ConfigError(`${(e as Error).message} (see --help)`);
  }
  const raw = (name: OptionName): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    const envName = OPTIONS[name].env;
    const fromEnv = envName ? env[envName] : undefined;
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const flag = (name: OptionName): boolean | undefined => {
    if (typeof values[name] === 'boolean') return values[name] as boolean;
    const s = raw(name);
    if (s === undefined) return undefined;
    if (/^(1|true|yes|on)$/i.test(s)) return true;
    if (/^(0|false|no|off)$/i.test(s)) return false;
    throw new ConfigError(`${OPTIONS[name].env} must be 1/0/true/false, got "${s}"`);
  };

  const port = int(raw('port') ?? '8000', 'port', 0, 65535);
  const host = raw('host') ?? '127.0.0.1';
  const dataDir = dataDirFrom(raw('data-dir'));
  const staticDir = resolve(raw('static-dir') ?? 'dist');
  const adminUsername = raw('admin-username') ?? 'admin';
  if (!/^[\w.@+-]{1,150}$/.test(adminUsername))
    throw new ConfigError('admin username may only use letters, digits and @.+-_ (max 150)');
  const givenPassword = raw('admin-password');
  const accessTtlS = duration(raw('access-ttl') ?? '3600', 'access-ttl');
  const refreshTtlS = duration(raw('refresh-ttl') ?? '86400', 'refresh-ttl');
  const sessionMaxS = duration(raw('session-lifetime') ?? '30d', 'session-lifetime');
  const demo = values['no-demo'] === true ? false : (flag('demo') ?? true);
  const demoMode = givenPassword === undefined && demo;
  const fleetSilentAfterS = duration(raw('fleet-silent-after') ?? '1d', 'fleet-silent-after');
  const logLevel = raw('log-level') ?? 'warn';
  if (!['silent', 'error', 'warn', 'info', 'debug'].includes(logLevel))
    throw new ConfigError(`log-level must be silent|error|warn|info|debug, got "${logLevel}"`);

  const corsRaw = raw('cors-origins');
  const corsOrigins = corsRaw === undefined ? (demoMode ? '*' : []) : parseOrigins(corsRaw);
  const proxyRaw = raw('proxy');
  const proxyUrl = proxyRaw === undefined ? undefined : httpUrl(proxyRaw, 'proxy');
  const publicRaw = raw('public-url');
  const publicUrl =
    publicRaw === undefined ? undefined : httpUrl(publicRaw, 'public-url').href.replace(/\/+$/, '');

  const profile = raw('profile') ?? 'reference';
  if (!(PROFILES as readonly string[]).includes(profile))
    throw new ConfigError(`profile must be ${PROFILES.join(' or ')}, got "${profile}"`);
  const referenceOnly = flag('reference-only') ?? false;
  if (profile === 'upstream' && (proxyUrl !== undefined || referenceOnly))
    throw new ConfigError('--profile upstream cannot be combined with --proxy or --reference-only');
  const imagePortRaw = raw('image-port');
  if (imagePortRaw !== undefined && profile !== 'upstream')
    throw new ConfigError('--image-port needs --profile upstream');
  const imagePort = int(imagePortRaw ?? '0', 'image-port', 0, 65535);
  if (imagePort !== 0 && imagePort === port)
    throw new ConfigError('image-port must differ from port');

  const catalogRaw = raw('catalog');
  const seedRaw = raw('catalog-seed');
  const catalog =
    catalogRaw === undefined
      ? undefined
      : {
          photos: int(catalogRaw, 'catalog', 1, 1_000_000),
          avgBytes: int(raw('avg-bytes') ?? '100000', 'avg-bytes', 2000, 50_000_000),
          ...(seedRaw === undefined ? {} : { seed: int(seedRaw, 'catalog-seed', 0, 2 ** 31 - 1) }),
        };
  if (catalog === undefined && raw('avg-bytes') !== undefined)
    throw new ConfigError('--avg-bytes needs --catalog N');

  const faults = readFaults(raw);
  try {
    secureDataDir(dataDir);
  } catch (e) {
    throw new ConfigError(`cannot create data dir ${dataDir}: ${(e as Error).message}`);
  }
  const databaseUrl = postgresUrl(raw('database-url'));
  // Every instance on one database must sign tokens alike; a per-data-dir secret would not be shared.
  if (databaseUrl && raw('jwt-secret') === undefined)
    throw new ConfigError(
      '--database-url needs --jwt-secret (JWT_SECRET), the same on every instance',
    );
  const jwtSecret = raw('jwt-secret') ?? persistentSecret(dataDir);
  if (jwtSecret.length < 16) throw new ConfigError('JWT secret must be at least 16 characters');

  return {
    port,
    host,
    dataDir,
    staticDir,
    adminUsername,
    ...(givenPassword !== undefined || demoMode
      ? { adminPassword: givenPassword ?? DEMO_ADMIN_PASSWORD }
      : {}),
    demoMode,
    jwtSecret,
    accessTtlS,
    refreshTtlS,
    sessionMaxS,
    fleetSilentAfterS,
    corsOrigins,
    referenceOnly,
    profile: profile as ServerProfile,
    imagePort,
    demo,
    faults,
    logLevel: logLevel as Config['logLevel'],
    loginLimits: {
      ...DEFAULT_LIMITS,
      perUser: int(
        raw('max-failed-logins') ?? String(DEFAULT_LIMITS.perUser),
        'max-failed-logins',
        1,
        1_000_000,
      ),
      perAddress: int(
        raw('max-failed-logins-per-address') ?? String(DEFAULT_LIMITS.perAddress),
        'max-failed-logins-per-address',
        1,
        1_000_000,
      ),
    },
    hashCpuShare:
      int(raw('hash-cpu-share') ?? String(DEFAULT_HASH_CPU_SHARE * 100), 'hash-cpu-share', 1, 100) /
      100,
    ...(proxyUrl ? { proxyUrl } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(catalog ? { catalog } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  };
}

/** A postgres:// or postgresql:// URL with a host and a database name, or undefined when not given. */
function postgresUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('database-url must be a URL like postgres://user:password@host:5432/db');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new ConfigError(`database-url must start with postgres://, got ${url.protocol}//`);
  if (url.hostname === '' || url.pathname.length <= 1)
    throw new ConfigError('database-url needs a host and a database name: postgres://host:5432/db');
  return value;
}

function readFaults(raw: (name: OptionName) => string | undefined): FaultSettings {
  const num = (name: OptionName): number | undefined => {
    const s = raw(name);
    if (s === undefined) return undefined;
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n))
      throw new ConfigError(`${name} must be a number, got "${s}"`);
    return n;
  };
  const routes = raw('fault-routes');
  const input: Record<string, unknown> = {
    latency_ms: num('fault-latency-ms'),
    error_rate: num('fault-error-rate'),
    error_status: num('fault-error-status'),
    rate_limit_rate: num('fault-429-rate'),
    retry_after_s: num('fault-retry-after'),
    corrupt_rate: num('fault-corrupt-rate'),
    truncate_rate: num('fault-truncate-rate'),
    access_ttl_s: num('fault-access-ttl'),
    routes: routes === undefined ? undefined : routes.split(',').map((r) => r.trim()),
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  try {
    return validateFaults({ ...DEFAULT_FAULTS }, input);
  } catch (e) {
    throw new ConfigError(`fault flags: ${(e as Error).message}`);
  }
}

function int(s: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(s.trim())) throw new ConfigError(`${name} must be a whole number, got "${s}"`);
  const n = Number(s.trim());
  if (n < min || n > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds from "90", "90s", "15m", "1h" or "1d". */
function duration(s: string, name: string): number {
  const m = /^(\d+)\s*([smhd]?)$/i.exec(s.trim());
  const unit = m ? UNIT_SECONDS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) < 1)
    throw new ConfigError(
      `${name} must be a positive duration like 3600, 90s, 15m, 1h or 1d, got "${s}"`,
    );
  return Number(m[1]) * unit;
}

function parseOrigins(s: string): '*' | string[] {
  const t = s.trim();
  if (t === '*') return '*';
  if (t.toLowerCase() === 'none') return [];
  return t
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => {
      const u = httpUrl(o, 'cors-origins');
      if (u.origin !== o.replace(/\/$/, ''))
        throw new ConfigError(
          `cors-origins entries must be bare origins like https://pos.example.com, got "${o}"`,
        );
      return u.origin;
    });
}

function httpUrl(s: string, name: string): URL {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${s}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ConfigError(`${name} must be an http(s) URL, got "${s}"`);
  return u;
}

/** Reads `<dataDir>/jwt-secret`, creating it (0600, written atomically) on first use. */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`cannot read ${file}: ${(e as Error).message}`);
  }
  // link() is atomic and refuses to overwrite, so two first starts racing agree on one secret.
  const secret = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, secret, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new ConfigError(`cannot write ${file}: ${(e as Error).message}`);
    return readFileSync(file, 'utf8').trim();
  } finally {
    unlinkSync(tmp);
  }
}
