/** Runs the reference HO server (server/src/main.ts) as a child process for end-to-end tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (tests may run from any working directory). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where `vite build` (run by scripts/test.sh before the tests) puts the PWA. */
export const DIST_DIR = join(REPO_ROOT, 'dist');

const LISTENING = /^HO server listening on (http:\/\/\S+?)\/?$/;
const OUTPUT_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 10_000;

/** How to start the server; everything is optional. */
export interface HoServerOptions {
  /** Built PWA served at / (default DIST_DIR). */
  staticDir?: string;
  /** Data directory to use (kept on dispose); default a fresh temp dir that dispose() deletes. */
  dataDir?: string;
  /** Extra CLI flags, e.g. ['--access-ttl', '5s'] or ['--fault-error-rate', '0.2']. */
  args?: readonly string[];
  /** Server profile (default reference); `upstream` gets an image port kept across restart(). */
  profile?: 'reference' | 'upstream';
  /** Extra environment variables for the server process. */
  env?: Readonly<Record<string, string>>;
  /** Time allowed until the "listening" line (default 60 s: the first start seeds the demo catalog). */
  startTimeoutMs?: number;
}

/** A running (or stopped, restartable) HO server. */
export interface HoServer {
  /** Origin the server listens on, without trailing slash, e.g. "http://127.0.0.1:41234". Stable across restart(). */
  readonly url: string;
  /** The listening port, reused by restart(). */
  readonly port: number;
  /** The data directory (SQLite + images), reused by restart(). */
  readonly dataDir: string;
  /** PID of the current server process, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Recent stdout+stderr of the server processes, for assertion messages. */
  output(): string;
  /** Stops the server (SIGTERM by PID, SIGKILL after a grace period) and waits for the process to exit. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data directory (stopping it first if running). */
  restart(): Promise<void>;
  /** Stops the server and deletes the data directory if this helper created it. */
  dispose(): Promise<void>;
}

/** Keeps the tail of a process's output for error messages. */
class OutputLog {
  private text = '';
  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-OUTPUT_LIMIT);
  }
  toString(): string {
    return this.text;
  }
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

function spawnServer(
  port: number,
  dataDir: string,
  opts: HoServerOptions,
  log: OutputLog,
): Running {
  const args = [
    '--import',
    'tsx',
    join(REPO_ROOT, 'server', 'src', 'main.ts'),
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    '--static-dir',
    opts.staticDir ?? DIST_DIR,
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => log.append(chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return { child, exited };
}

/** Resolves with the origin from the server's "HO server listening on ..." line; rejects on exit or timeout. */
function waitForListening(running: Running, timeoutMs: number, log: OutputLog): Promise<string> {
  const { child } = running;
  return new Promise((resolvePromise, rejectPromise) => {
    const lines = createInterface({ input: child.stdout! });
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      return true;
    };
    const fail = (why: string): void => {
      if (!settle()) return;
      child.kill('SIGKILL');
      rejectPromise(new Error(`HO server ${why}. Output:\n${log.toString() || '(none)'}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited (code ${code}, signal ${signal}) before it was listening`);
    const timer = setTimeout(
      () => fail(`did not report listening within ${timeoutMs} ms`),
      timeoutMs,
    );
    child.once('exit', onExit);
    // Keeps reading after readiness too, so a chatty server never blocks on a full pipe.
    lines.on('line', (line) => {
      log.append(`${line}\n`);
      const match = LISTENING.exec(line);
      if (match?.[1] && settle()) resolvePromise(match[1]);
    });
  });
}

async function stopProcess(running: Running): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM'); // signals child.pid; unlike process.kill it tolerates a process that just exited
  const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await running.exited;
  clearTimeout(escalate);
}

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Starts the reference HO server on an ephemeral 127.0.0.1 port and waits until it is listening. */
export async function startHoServer(given: HoServerOptions = {}): Promise<HoServer> {
  // The image origin must survive restarts: the worker's policy and held image_urls name it.
  const opts: HoServerOptions =
    given.profile === 'upstream'
      ? {
          ...given,
          args: [
            '--profile',
            'upstream',
            '--image-port',
            String(await freePort()),
            ...(given.args ?? []),
          ],
        }
      : given;
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'pps-ho-')));
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const log = new OutputLog();

  const start = async (port: number): Promise<{ running: Running; url: string }> => {
    const running = spawnServer(port, dataDir, opts, log);
    const url = await waitForListening(running, timeoutMs, log);
    return { running, url };
  };

  let first: { running: Running; url: string };
  try {
    first = await start(0);
  } catch (error) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  let current: Running | undefined = first.running;
  const url = first.url;
  const port = Number(new URL(url).port);

  const stop = async (): Promise<void> => {
    const running = current;
    current = undefined;
    if (running) await stopProcess(running);
  };

  return {
    url,
    port,
    dataDir,
    get pid() {
      return current?.child.pid;
    },
    output: () => log.toString(),
    stop,
    async restart() {
      await stop();
      const next = await start(port);
      if (next.url !== url) {
        await stopProcess(next.running);
        throw new Error(`HO server restarted on ${next.url}, expected ${url}`);
      }
      current = next.running;
    },
    async dispose() {
      await stop();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
