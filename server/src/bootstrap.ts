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
import { SqlFailureCounter } from './persistence/sql-failure-counter';
import { openMetadataRepository } from './persistence/sql-metadata';
import type { ImageRepository, MetadataRepository, Store } from './persistence/types';

/** The two persistence ports over `<dataDir>/ho.sqlite` (schema migrated) and `<dataDir>/images`, the dir kept owner-only. */
export async function openDataDir(
  dataDir: string,
  now?: () => number,
): Promise<{ meta: MetadataRepository; images: ImageRepository; failures: FailureCounter }> {
  secureDataDir(dataDir);
  const dbFile = join(dataDir, 'ho.sqlite');
  createPrivateFile(dbFile);
  const meta = await openMetadataRepository({ sqlite: dbFile }, now);
  return {
    meta,
    images: new FsImageRepository(join(dataDir, 'images')),
    failures: new SqlFailureCounter(meta.database),
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
