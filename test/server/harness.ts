/**
 * Test harness for the HTTP layer: a real server on 127.0.0.1:0 over a temporary data dir seeded
 * with the demo catalog, a controllable token clock, scriptable fault randomness and fetch helpers.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import jpeg from 'jpeg-js';
import { type PrepareResult, openPersistence, prepareData } from '../../server/src/bootstrap';
import { type Config, loadConfig } from '../../server/src/config';
import { seedDemo } from '../../server/src/demo/seed';
import { startSweeping } from '../../server/src/persistence/object-sweeper';
import { Faults } from '../../server/src/faults';
import type {
  ImageRepository,
  MetadataRepository,
  PhotoWriter,
} from '../../server/src/persistence/types';
import { listenHo } from '../../server/src/serve';
import { ensureTemplate, freshDatabase } from './postgres';

/** Credentials of the test admin. */
/** Credentials of the test admin: the server runs in demo mode (demo store users signed in too). */
export const ADMIN = { username: 'admin', password: 'admin' };

/** A running test server. */
export interface TestServer {
  url: string;
  app: FastifyInstance;
  /** Origin of the upstream profile's image listener, else null. */
  imageOrigin: string | null;
  config: Config;
  meta: MetadataRepository;
  images: ImageRepository;
  photos: PhotoWriter;
  faults: Faults;
  dataDir: string;
  prep: PrepareResult;
  /** Token clock (ms); tests move it forward to expire tokens. */
  clock: { now: number };
  /** Values the fault dice return next (then 0.999 = "no fault"). */
  dice: number[];
  /** Calls of the injected latency sleep. */
  sleeps: number[];
  /** Stops the server (keeps the data dir when `keepData`). */
  close(keepData?: boolean): Promise<void>;
}

/** Options of startServer. */
export interface StartOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Reuse a data dir (restart scenarios); a fresh temp dir otherwise. */
  dataDir?: string;
  staticDir?: string;
  /** Start time of the server's clock (epoch ms; now by default), e.g. a restart past the sweep's grace period. */
  now?: number;
}

/**
 * A data dir holding just the seeded demo catalog, rendered once and reused by every test process
 * (keyed by a hash of the demo and store sources, so a code change renders it afresh).
 */
function demoTemplate(): string {
  const hash = createHash('sha1');
  for (const dir of [
    'server/src/demo',
    'server/src/persistence',
    'server/src/persistence/migrations',
  ]) {
    for (const f of readdirSync(dir).sort())
      if (f.endsWith('.ts')) hash.update(f).update(readFileSync(join(dir, f)));
  }
  const template = join(tmpdir(), `ho-test-demo-${hash.digest('hex').slice(0, 16)}`);
  return template;
}

async function ensureDemoTemplate(): Promise<string> {
  const template = demoTemplate();
  if (existsSync(join(template, 'ready'))) return template;
  const building = mkdtempSync(join(tmpdir(), 'ho-test-demo-build-'));
  const { meta, images } = await openPersistence({ dataDir: building });
  await seedDemo(meta, images);
  await meta.close();
  writeFileSync(join(building, 'ready'), '');
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/**
 * The backend the HTTP suites run against: SQLite + files (default), or PostgreSQL when the test
 * command runs them again with HO_TEST_BACKEND=postgres (one database per server, copied from a
 * seeded template database).
 */
export const BACKEND: 'sqlite' | 'postgres' =
  process.env.HO_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** Secret the PostgreSQL runs give every instance (it is required there and must be shared). */
export const TEST_JWT_SECRET = 'test-secret-shared-by-instances';

/** A data dir for a new server, plus (on PostgreSQL) its own database copied from the demo template. */
async function freshData(): Promise<{ dataDir: string; databaseUrl?: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ho-test-'));
  if (BACKEND === 'sqlite') {
    cpSync(await ensureDemoTemplate(), dataDir, { recursive: true });
    return { dataDir };
  }
  const template = `ho_demo_${basename(demoTemplate()).slice(-16)}`;
  await ensureTemplate(template, async (url) => {
    const { meta, images } = await openPersistence({ dataDir, databaseUrl: url });
    await seedDemo(meta, images);
    await meta.close();
  });
  const databaseUrl = await freshDatabase(template);
  // A restart over the same data dir finds its database again.
  writeFileSync(join(dataDir, 'database-url'), databaseUrl);
  return { dataDir, databaseUrl };
}

/** Starts the app exactly as main.ts does, but with test clocks and dice. */
export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const fresh = opts.dataDir ? undefined : await freshData();
  const dataDir = opts.dataDir ?? fresh!.dataDir;
  const urlFile = join(dataDir, 'database-url');
  const databaseUrl =
    fresh?.databaseUrl ?? (existsSync(urlFile) ? readFileSync(urlFile, 'utf8') : undefined);
  const config = loadConfig(
    [
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--static-dir',
      opts.staticDir ?? join(dataDir, 'no-dist'),
      '--log-level',
      'silent',
      ...(opts.argv ?? []),
    ],
    {
      CORS_ORIGINS: '*',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET } : {}),
      ...opts.env,
    },
  );
  const persistence = await openPersistence(config);
  const { meta, images } = persistence;
  const prep = await prepareData(meta, images, config);
  const clock = { now: opts.now ?? Date.now() };
  const stopSweeping = await startSweeping(
    meta,
    images,
    () => clock.now,
    (e) => {
      throw e;
    },
  );
  const dice: number[] = [];
  const sleeps: number[] = [];
  const faults = new Faults(config.faults, {
    random: () => dice.shift() ?? 0.999,
    sleep: async (ms) => void sleeps.push(ms),
  });
  const ho = await listenHo(
    { config, ...persistence, faults, clock: () => clock.now },
    '127.0.0.1',
    0,
  );
  return {
    url: ho.url,
    app: ho.app,
    imageOrigin: ho.imageOrigin,
    config,
    meta,
    images,
    photos: persistence.photos,
    faults,
    dataDir,
    prep,
    clock,
    dice,
    sleeps,
    async close(keepData = false) {
      stopSweeping();
      await ho.close();
      await meta.close();
      if (!keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Request options of `call`. */
export interface CallOptions {
  method?: string;
  token?: string;
  json?: unknown;
  body?: string | Uint8Array | URLSearchParams;
  headers?: Record<string, string>;
}

/** fetch against the server with an optional bearer token and JSON body. */
export function call(
  server: { url: string },
  path: string,
  o: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  // Copy bytes into a plain ArrayBuffer-backed view, which fetch's BodyInit requires.
  let body: BodyInit | undefined = o.body instanceof Uint8Array ? new Uint8Array(o.body) : o.body;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  }
  return fetch(server.url + path, {
    method: o.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

/** `call` and parse the JSON body. */
export async function callJson<T = any>(
  server: { url: string },
  path: string,
  o: CallOptions = {},
): Promise<{ status: number; body: T; res: Response }> {
  const res = await call(server, path, o);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, res };
}

/** Signs in and returns the token pair. */
export async function login(
  server: { url: string },
  username = ADMIN.username,
  password = ADMIN.password,
): Promise<{ access: string; refresh: string }> {
  const r = await callJson(server, '/api/token/', { json: { username, password } });
  if (r.status !== 200)
    throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every photo of a store via cursor-less offset paging (admin token). */
export async function allPhotos(
  server: { url: string },
  token: string,
  storeId: string,
  extra = '',
): Promise<any[]> {
  const out: any[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const r: { status: number; body: any } = await callJson(
      server,
      `/api/v1/sync/product-photos/?store_id=${storeId}&limit=1000&offset=${offset}${extra}`,
      { token },
    );
    if (r.status !== 200) throw new Error(`list failed: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.data.photos);
    offset = r.body.data.next_offset;
  }
  return out;
}

/** Asserts the reference's error shape and returns the message. */
export function errorMessage(body: unknown): string {
  const b = body as { status?: unknown; message?: unknown };
  if (b?.status !== 'error' || typeof b.message !== 'string')
    throw new Error(`not the error shape: ${JSON.stringify(body)}`);
  return b.message;
}

/** A real 16x16 JPEG of one colour (distinct colours give distinct bytes). */
export function tinyJpeg(rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(16 * 16 * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return Buffer.from(jpeg.encode({ data, width: 16, height: 16 }, 90).data);
}

/** MD5 hex of bytes. */
export function md5(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

/**
 * Runs server/src/main.ts as a real process on any free port over `dataDir`, outside any configured
 * port, host or admin password (demo-mode defaults unless `env` says otherwise).
 */
export function spawnMain(
  dataDir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/main.ts', '--port', '0', '--data-dir', dataDir, ...args],
    {
      stdio: 'pipe',
      env: { ...process.env, ADMIN_PASSWORD: '', PORT: '', HOST: '', ...env },
    },
  );
}
