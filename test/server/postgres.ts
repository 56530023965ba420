/**
 * PostgreSQL for tests: the cluster the test command started (TEST_DATABASE_URL, see scripts/postgres.ts),
 * or, when a file runs on its own, a throwaway cluster of this process, removed when it exits.
 * Every caller gets a database of its own, so tests never see each other's rows.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startPostgres } from '../../scripts/postgres';

let cluster: Promise<string> | undefined;

/** Admin URL of the test cluster (started on first use). */
export function testClusterUrl(): Promise<string> {
  cluster ??= (async () => {
    const given = process.env.TEST_DATABASE_URL;
    if (given) return given;
    const own = await startPostgres();
    process.on('exit', () => own.stop());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));
    return own.url;
  })();
  return cluster;
}

/** Runs `sql` on the cluster's maintenance database. */
async function admin(sql: string): Promise<void> {
  const client = new pg.Client(await testClusterUrl());
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** URL of a database named `name` on the test cluster. */
export async function databaseUrl(name: string): Promise<string> {
  const url = new URL(await testClusterUrl());
  url.pathname = `/${name}`;
  return url.href;
}

/** Creates an empty database (or a copy of `template`) and returns its URL. */
export async function freshDatabase(template?: string): Promise<string> {
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return databaseUrl(name);
}

/** Creates database `name` with `fill` run on it once, unless it exists (a reusable template). */
export async function ensureTemplate(
  name: string,
  fill: (url: string) => Promise<void>,
): Promise<void> {
  const client = new pg.Client(await testClusterUrl());
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    const building = `${name}_building_${process.pid}`;
    await client.query(`CREATE DATABASE ${building}`);
    await fill(await databaseUrl(building));
    try {
      await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch {
      // Another process finished the same template first: use theirs.
      await client.query(`DROP DATABASE ${building}`);
    }
  } finally {
    await client.end();
  }
}
