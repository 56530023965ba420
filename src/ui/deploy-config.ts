/** Loads the deployer's optional `config.json` next to index.html (schema and validation: deploy-config-schema.ts). */
import { parseDeployConfig, type DeployConfigResult } from './deploy-config-schema';

/** Fetches and validates `<base>config.json`; absent (404) or unreachable (offline) means no deployer settings. */
export async function loadDeployConfig(): Promise<DeployConfigResult> {
  let res: Response;
  try {
    res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  } catch {
    return { ok: true, config: {} };
  }
  // Static hosts with an SPA fallback answer a missing file with index.html.
  if (res.status === 404 || (res.headers.get('content-type') ?? '').includes('text/html'))
    return { ok: true, config: {} };
  if (!res.ok) return { ok: false, problem: { code: 'config.unreadable', status: res.status } };
  try {
    return parseDeployConfig(JSON.parse(await res.text()) as unknown);
  } catch {
    return { ok: false, problem: { code: 'config.not-an-object' } };
  }
}
