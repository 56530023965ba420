/**
 * Start-up steps shared by main.ts and the tests: open the data dir, seed demo data or a benchmark
 * catalog on first start, and make the configured admin and the demo store users exist.
 */
import { join } from 'node:path';
import { hashPassword, verifyPassword } from './auth/password';
import type { Config } from './config';
import { DEMO, generateCatalog, seedDemo } from './demo/seed';
import { FsImageRepository } from './persistence/fs-image-repository';
import { openMetadataRepository } from './persistence/sql-metadata';
import type { ImageRepository, MetadataRepository, Store } from './persistence/types';

/** The two persistence ports over `<dataDir>/ho.sqlite` (schema migrated) and `<dataDir>/images`. */
export async function openDataDir(
  dataDir: string,
  now?: () => number,
): Promise<{ meta: MetadataRepository; images: ImageRepository }> {
  return {
    meta: await openMetadataRepository({ sqlite: join(dataDir, 'ho.sqlite') }, now),
    images: new FsImageRepository(join(dataDir, 'images')),
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

/** What start-up did, for the human lines main.ts prints. */
export interface PrepareResult {
  demoLogins: DemoLogin[];
  benchmarkStore?: Store;
}

/**
 * Seeds the demo catalog into an empty data dir (unless disabled), generates the benchmark catalog
 * when asked (idempotent: an existing one with the same options is reused), then makes the admin
 * match the config and gives every demo store its demo user.
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
  await ensureUser(meta, config.adminUsername, config.adminPassword, 'admin', []);
  const demoLogins: DemoLogin[] = [];
  for (const { id } of DEMO.stores) {
    const store = await meta.getStore(id);
    if (!store) continue;
    const login = demoLoginFor(store);
    if (login.username !== config.adminUsername && !(await meta.getUser(login.username))) {
      await ensureUser(meta, login.username, login.password, 'store', [store.id]);
    }
    demoLogins.push({ ...login, store });
  }
  return { demoLogins, ...(benchmarkStore ? { benchmarkStore } : {}) };
}

/** Creates the user, or resets its password when it no longer matches (the config is the truth for the admin). */
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
  } else if (!(await verifyPassword(password, user.password_hash))) {
    await meta.setPasswordHash(username, await hashPassword(password));
  }
}
