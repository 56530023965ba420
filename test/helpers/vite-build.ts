/** Builds the PWA from the project's vite.config.ts into a chosen directory, as a deployer would. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './ho-server';

/** What to build. */
export interface BuildPwaOptions {
  /** Output directory (emptied first). */
  outDir: string;
  /** Deployment base path, passed as APP_BASE (default "/"). */
  base?: string;
  /** Extra environment variables for the build. */
  env?: Readonly<Record<string, string>>;
}

/** Runs `APP_BASE=<base> vite build --outDir <outDir>`; rejects with the build output when it fails. */
export async function buildPwa(opts: BuildPwaOptions): Promise<void> {
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(
    process.execPath,
    [vite, 'build', '--outDir', opts.outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env, APP_BASE: opts.base ?? '/' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((done, failed) => {
    child.once('error', failed);
    child.once('close', done);
  });
  if (code !== 0)
    throw new Error(`vite build (APP_BASE=${opts.base ?? '/'}) exited with ${code}:\n${output}`);
}
