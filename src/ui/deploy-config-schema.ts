/**
 * Schema of the deployer's optional `config.json` next to index.html: fields it sets prefill sign-in and
 * tune the sync of a whole fleet. Validated field by field; a malformed file is reported, never half-applied.
 */
import { isCompanyId } from '../shared/types';

/** What config.json may set. */
export interface DeployConfig {
  serverUrl?: string;
  storeId?: string;
  tokenPath?: string;
  syncIntervalMs?: number;
  concurrency?: number;
  delayMs?: number;
  /** `"GET"` or `"POST"` fixes the list method; absent: automatic (POST after a 405). */
  listMethod?: 'GET' | 'POST';
  /** `company_id` for POST list bodies. */
  companyId?: string;
  /**
   * Origins `image_url` points to besides the HO (an upstream HO serves photos from MinIO): only the
   * server of sw.js reads it, to let the service worker connect there (its CSP); the app ignores it.
   */
  imageOrigins?: string[];
}

/** The file's outcome: its settings (empty when absent or unreachable) or why it was rejected. */
export type DeployConfigResult = { ok: true; config: DeployConfig } | { ok: false; error: string };

type Check = (value: unknown) => string | null;

const text: Check = (v) => (typeof v === 'string' ? null : 'must be a string');
const count =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min
      ? null
      : `must be a whole number >= ${min}`;

const httpUrl = (v: unknown): boolean => typeof v === 'string' && /^https?:\/\/[^/]/.test(v);

const FIELDS: Record<keyof DeployConfig, Check> = {
  serverUrl: (v) => (httpUrl(v) ? null : 'must be an http:// or https:// URL'),
  storeId: text,
  tokenPath: (v) =>
    typeof v === 'string' && v.startsWith('/') ? null : 'must be a path starting with /',
  syncIntervalMs: count(1000),
  concurrency: count(1),
  delayMs: count(0),
  listMethod: (v) => (v === 'GET' || v === 'POST' ? null : 'must be "GET" or "POST"'),
  companyId: (v) => (isCompanyId(v) ? null : 'must be an id (letters, digits, . _ ~ -)'),
  imageOrigins: (v) =>
    Array.isArray(v) && v.every(httpUrl) ? null : 'must be a list of http:// or https:// origins',
};

/** Validates parsed config.json content. */
export function parseDeployConfig(raw: unknown): DeployConfigResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, error: 'config.json must hold a JSON object' };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const check = FIELDS[key as keyof DeployConfig] as Check | undefined;
    const problem =
      check === undefined
        ? `unknown field (allowed: ${Object.keys(FIELDS).join(', ')})`
        : check(value);
    if (problem !== null) problems.push(`"${key}" ${problem}`);
  }
  if (problems.length > 0)
    return { ok: false, error: `config.json is malformed: ${problems.join('; ')}` };
  return { ok: true, config: raw as DeployConfig };
}
