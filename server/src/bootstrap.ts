/**
 * Start-up steps shared by main.ts and the tests: open the data dir, seed demo data or a benchmark
 * catalog on first start, and make the configured admin and the demo store users exist.
 */
import { join } from 'node:path';
import type { FailureCounter } from './auth/login-throttle';
import { hashPassword, verifyPassword } from './auth/password';
import { type Config, DEMO_ADMIN_PASSWORD } from './config';
import { createPrivateFile, secureDataDir } from './data-dir';
import { DEMO, generateCatalog, seedDemo } from './demo/seed';
import { FsImageRepository } from './persistence/fs-image-repository';
import { sql } from 'kysely';
import type { TokenBlacklist } from './auth/tokens';
import { openMigratedDatabase } from './persistence/migrate';
import { SqlFailureCounter } from './persistence/sql-failure-counter';
import { BytesFirstPhotoWriter, SameTransactionPhotoWriter } from './persistence/photo-writers';
import { SqlImageRepository } from './persistence/sql-image-repository';
import { SqlMetadataRepository } from './persistence/sql-metadata';
import { SqlTokenBlacklist } from './persistence/sql-token-blacklist';
import type { ImageRepository, MetadataRepository, PhotoWriter, Store } from './persistence/types';

/** The persistence ports of a running server; `meta.close()` closes the database they share. */
export interface Persistence {
  meta: MetadataRepository;
  images: ImageRepository;
  /** Photo writes with their bytes: one transaction on PostgreSQL, bytes first then row on SQLite + files. */
  photos: PhotoWriter;
  blacklist: TokenBlacklist;
  /** Failed sign-in counts, shared by every instance on the database. */
  failures: FailureCounter;
  /** Resolves when the database answers a query. */
  ping: () => Promise<void>;
  /** Runs `fn` while holding the start-up lock, so instances starting together seed one at a time. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** Key of the PostgreSQL advisory lock held while an instance seeds and checks users at start. */
const STARTUP_LOCK = 7_318_201;

/**
 * Opens the database (schema migrated): PostgreSQL at `databaseUrl` holding metadata, photo bytes and
 * the token blacklist, or by default `<dataDir>/ho.sqlite` with the photo files under `<dataDir>/images`
 * (the data dir kept owner-only, the database file 0600).
 */
export async function openPersistence(
  where: { dataDir: string; databaseUrl?: string },
  now: () => number = Date.now,
): Promise<Persistence> {
  secureDataDir(where.dataDir);
  const dbFile = join(where.dataDir, 'ho.sqlite');
  if (!where.databaseUrl) createPrivateFile(dbFile);
  const database = await openMigratedDatabase(
    where.databaseUrl ? { postgres: where.databaseUrl } : { sqlite: dbFile },
    now(),
  );
  const { db } = database;
  const meta = new SqlMetadataRepository(database, now);
  const images = where.databaseUrl
    ? new SqlImageRepository(db, now)
    : new FsImageRepository(join(where.dataDir, 'images'));
  return {
    meta,
    images,
    photos: where.databaseUrl
      ? new SameTransactionPhotoWriter(meta)
      : new BytesFirstPhotoWriter(meta, images),
    blacklist: new SqlTokenBlacklist(db),
    failures: new SqlFailureCounter(database),
    ping: async () => void (await sql`SELECT 1`.execute(db)),
    exclusive: (fn) =>
      database.dialect === 'sqlite'
        ? fn() // one process seeds a SQLite data dir; its writes serialise on the file lock anyway
        : db.connection().execute(async (conn) => {
            await sql`SELECT pg_advisory_lock(${STARTUP_LOCK})`.execute(conn);
            try {
              return await fn();
            } finally {
              await sql`SELECT pg_advisory_unlock(${STARTUP_LOCK})`.execute(conn);
            }
          }),
  };
}

/** A demo sign-in printed at start-up. */
export interface DemoLogin {
  username: string;
  password: string;
  store: Store;
}

/** The demo user of a demo store: username and password are the store code in lower case. */
export function demoLoginFor(store: Store): { username: string; password: string } {
  const name = store.code.toLowerCase();
  return { username: name, password: name };
}

/** The admin every demo data dir starts with. */
export const DEMO_ADMIN = { username: 'admin', password: DEMO_ADMIN_PASSWORD };

/** What start-up did, for the human lines main.ts prints. */
export interface PrepareResult {
  /** Demo sign-ins that work (demo mode only). */
  demoLogins: DemoLogin[];
  /** Users still holding demo credentials, disabled because this is not demo mode. */
  disabledDemoUsers: string[];
  benchmarkStore?: Store;
}

/**
 * Seeds the demo catalog into an empty data dir (unless disabled), generates the benchmark catalog
 * when asked (idempotent: an existing one with the same options is reused), then makes the admin
 * match the config. In demo mode every demo store gets its demo user; outside it, every user whose
 * password is still a demo password (the default admin, the demo store users) is disabled.
 */
export async function prepareData(
  meta: MetadataRepository,
  images: ImageRepository,
  config: Config,
): Promise<PrepareResult> {
  if (config.demo && (await meta.isEmpty())) await seedDemo(meta, images);
  const benchmarkStore = config.catalog
    ? await meta.getStore((await generateCatalog(meta, images, config.catalog)).storeId)
    : undefined;
  if (config.adminPassword !== undefined)
    await ensureUser(meta, config.adminUsername, config.adminPassword, 'admin', []);
  const demoLogins: DemoLogin[] = [];
  const demoUsers = [DEMO_ADMIN];
  for (const { id } of DEMO.stores) {
    const store = await meta.getStore(id);
    if (!store) continue;
    const login = demoLoginFor(store);
    demoUsers.push(login);
    if (!config.demoMode || login.username === config.adminUsername) continue;
    await ensureUser(meta, login.username, login.password, 'store', [store.id]);
    demoLogins.push({ ...login, store });
  }
  const disabledDemoUsers: string[] = [];
  if (!config.demoMode) {
    for (const demo of demoUsers) {
      // The configured admin is the config's to set, even when its name is a demo name.
      if (demo.username === config.adminUsername && config.adminPassword !== undefined) continue;
      const user = await meta.getUser(demo.username);
      if (!user || !(await verifyPassword(demo.password, user.password_hash))) continue;
      if (!user.disabled) await meta.setUserDisabled(user.username, true);
      disabledDemoUsers.push(user.username);
    }
  }
  return { demoLogins, disabledDemoUsers, ...(benchmarkStore ? { benchmarkStore } : {}) };
}

/**
 * Makes the user exist, enabled, with this password (the config is the truth for the admin and the
 * demo users): created when missing, the password changed (older tokens revoked) when it differs.
 */
async function ensureUser(
  meta: MetadataRepository,
  username: string,
  password: string,
  role: 'admin' | 'store',
  storeIds: string[],
): Promise<void> {
  const user = await meta.getUser(username);
  if (!user) {
    await meta.createUser({
      username,
      password_hash: await hashPassword(password),
      role,
      store_ids: storeIds,
    });
    return;
  }
  if (!(await verifyPassword(password, user.password_hash)))
    await meta.changePassword(username, await hashPassword(password));
  if (user.disabled) await meta.setUserDisabled(username, false);
}
