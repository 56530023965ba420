/** A throwaway copy of the built PWA with the bench's own config.json, served by the HO via --static-dir. */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployConfig } from '../src/ui/deploy-config-schema';

/** A static dir whose config.json the bench rewrites between scenarios (the HO reads files per request). */
export interface StaticSite {
  readonly dir: string;
  /** Replaces config.json; pages opened afterwards prefill and sync with these settings. */
  writeConfig(config: DeployConfig): Promise<void>;
  dispose(): Promise<void>;
}

/** Copies `distDir` into a temp dir. */
export async function createStaticSite(distDir: string): Promise<StaticSite> {
  const dir = await mkdtemp(join(tmpdir(), 'pps-bench-site-'));
  await cp(distDir, dir, { recursive: true });
  return {
    dir,
    writeConfig: (config) => writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2)),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
