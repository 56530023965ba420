/** A page for browser tests that run one bundled module of ours (a harness) with nothing else around it. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { REPO_ROOT } from './ho-server';

/**
 * Bundles `entry` (a path from the repository root) into `dir`/harness.js and writes an index.html that loads it;
 * `extra` adds build options (e.g. what vite would define for UI code).
 */
export async function writeHarnessSite(
  dir: string,
  entry: string,
  extra: Pick<BuildOptions, 'define' | 'loader' | 'jsx' | 'jsxImportSource'> = {},
): Promise<void> {
  const out = await build({
    ...extra,
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
  });
  const script = out.outputFiles[0];
  if (!script) throw new Error(`esbuild produced nothing for ${entry}`);
  await writeFile(join(dir, 'harness.js'), script.text);
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><title>harness</title><script src="harness.js"></script>',
  );
}
