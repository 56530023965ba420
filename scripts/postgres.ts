/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temp dir, start on a free
 * 127.0.0.1 port, stop and delete on `stop()`. Uses Debian's postgresql package (installed with
 * apt-get when missing and running as root); as root the cluster runs as the `postgres` user (or
 * `nobody`), since initdb refuses to run as root. Never touches a system service.
 *
 * As a command: `node --import tsx scripts/postgres.ts -- <command...>` runs the command with
 * TEST_DATABASE_URL set to a fresh cluster and removes the cluster afterwards, even on failure.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running cluster: connect as superuser `ho` (trust auth, loopback only). */
export interface PostgresCluster {
  url: string;
  stop(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const find = () =>
    existsSync(root)
      ? readdirSync(root)
          .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
          .sort((a, b) => Number(b) - Number(a))[0]
      : undefined;
  let version = find();
  if (!version && process.getuid?.() === 0) {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    version = find();
  }
  if (!version)
    throw new Error('PostgreSQL is missing: install it with `sudo apt-get install postgresql`');
  return join(root, version, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The unprivileged account to run as when we are root. */
function runAs(): { user: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    if (id.status !== 0) continue;
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    return { user, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('Running as root without a postgres or nobody user to run PostgreSQL as');
}

/** Starts a fresh cluster (a few seconds); call `stop()` when done. */
export async function startPostgres(): Promise<PostgresCluster> {
  const bin = binDir();
  const account = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'ho-pg-'));
  if (account) chownSync(dir, account.uid, account.gid);
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = account
      ? ['runuser', ['-u', account.user, '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`${tool} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  };
  const data = join(dir, 'data');
  const stop = () => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone: nothing to stop
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'ho', '--auth=trust', '-E', 'UTF8', '--locale=C', '-N']);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses='127.0.0.1'",
      // Throwaway data: durability off, so tests and benches measure the server, not the disk.
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    return { url: `postgres://ho@127.0.0.1:${port}/postgres`, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

if (process.argv[1]?.endsWith('postgres.ts')) {
  const command = process.argv.slice(process.argv.indexOf('--') + 1);
  const cluster = await startPostgres();
  const child = spawn(command[0]!, command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE_URL: cluster.url },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    cluster.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}
