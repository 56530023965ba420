/**
 * Runs the API reference's own "Full Sync Flow" Python example (bench/reference-full-sync.py: the
 * reference's code with only BASE_URL, STORE_ID and TOKEN filled in) and times it as a whole process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), 'reference-full-sync.py');
const PYTHON = 'python3';

/** One run of the example: wall time of the process and the photos it verified. */
export interface PythonRun {
  wallS: number;
  /** Lines "✓ <file> - Checksum OK". */
  verified: number;
  /** Lines "✗ <file> - Checksum mismatch!". */
  mismatched: number;
}

function run(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; wallS: number }> {
  const start = performance.now();
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((done, failed) => {
    child.once('error', failed);
    child.once('close', (code) =>
      done({ code, stdout, stderr, wallS: (performance.now() - start) / 1000 }),
    );
  });
}

/** Null when python3 with `requests` is usable, else why not (the figure is then reported missing). */
export async function pythonUnavailable(): Promise<string | null> {
  try {
    const r = await run(['-c', 'import requests, hashlib']);
    return r.code === 0
      ? null
      : `python3 cannot import requests: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  } catch (e) {
    return `python3 not runnable: ${(e as Error).message}`;
  }
}

/** Wall time of starting python3 and importing what the example imports (subtracted from each run). */
export async function pythonStartupS(): Promise<number> {
  const r = await run(['-c', 'import requests, hashlib']);
  if (r.code !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.wallS;
}

/** Runs the example once against `baseUrl` for `storeId` with an access token. */
export async function runReferencePython(
  baseUrl: string,
  storeId: string,
  token: string,
): Promise<PythonRun> {
  const source = (await readFile(TEMPLATE, 'utf8'))
    .replace('{{BASE_URL}}', baseUrl)
    .replace('{{STORE_ID}}', storeId)
    .replace('{{TOKEN}}', token);
  const dir = await mkdtemp(join(tmpdir(), 'pps-bench-py-'));
  try {
    const file = join(dir, 'full_sync.py');
    await writeFile(file, source);
    const r = await run([file]);
    if (r.code !== 0)
      throw new Error(`reference Python example exited with ${r.code}:\n${r.stderr}`);
    const lines = r.stdout.split('\n');
    return {
      wallS: r.wallS,
      verified: lines.filter((l) => l.startsWith('✓')).length,
      mismatched: lines.filter((l) => l.startsWith('✗')).length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
