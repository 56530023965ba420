/** Gzip sizes of the initial app-shell JavaScript (index.html's static module graph) and of the service worker. */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Raw and gzip (level 9) bytes of a set of files. */
export interface SizedFiles {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

/** Figures of scenario 7. */
export interface BundleResult {
  appShellJs: SizedFiles;
  serviceWorker: SizedFiles;
}

/** Matches static imports/re-exports with a relative specifier; `import(` (lazy chunks) does not match. */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{},\s]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

async function sized(distDir: string, paths: string[]): Promise<SizedFiles> {
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const p of paths) {
    const bytes = await readFile(p);
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: paths.map((p) => relative(distDir, p)), rawBytes, gzipBytes };
}

/** The JS files index.html loads before any user action: entry scripts, modulepreloads, their static imports. */
async function appShellFiles(distDir: string): Promise<string[]> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const urls = [
    ...[...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!),
    ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map(
      (m) => m[1]!,
    ),
  ];
  if (urls.length === 0) throw new Error(`${distDir}/index.html loads no module script`);
  // Built with base "/": a root-relative URL is a path below distDir.
  const queue = urls.map((u) => join(distDir, new URL(u, 'http://x/').pathname));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(file, 'utf8');
    for (const m of code.matchAll(STATIC_IMPORT)) queue.push(resolve(dirname(file), m[1]!));
  }
  return [...seen].sort();
}

/** Measures the built PWA in `distDir`. */
export async function measureBundle(distDir: string): Promise<BundleResult> {
  return {
    appShellJs: await sized(distDir, await appShellFiles(distDir)),
    serviceWorker: await sized(distDir, [join(distDir, 'sw.js')]),
  };
}
