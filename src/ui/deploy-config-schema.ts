/**
 * Schema of the deployer's optional `config.json` next to index.html: fields it sets prefill sign-in and
 * tune the sync of a whole fleet. Validated field by field; a malformed file is reported, never half-applied.
 */
import type { ConfigFieldProblem, ProblemOf } from '../shared/problems';
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
export type DeployConfigResult =
  | { ok: true; config: DeployConfig }
  | {
      ok: false;
      problem: ProblemOf<'config.unreadable' | 'config.not-an-object' | 'config.malformed'>;
    };

/** The rule a value breaks, or null when it is fine. */
type Check = (value: unknown) => DistributiveOmit<ConfigFieldProblem, 'field'> | null;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const text: Check = (v) => (typeof v === 'string' ? null : { rule: 'text' });
const count =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min ? null : { rule: 'whole-number', min };

const httpUrl = (v: unknown): boolean => typeof v === 'string' && /^https?:\/\/[^/]/.test(v);

const FIELDS: Record<keyof DeployConfig, Check> = {
  serverUrl: (v) => (httpUrl(v) ? null : { rule: 'http-url' }),
  storeId: text,
  tokenPath: (v) => (typeof v === 'string' && v.startsWith('/') ? null : { rule: 'path' }),
  syncIntervalMs: count(1000),
  concurrency: count(1),
  delayMs: count(0),
  listMethod: (v) => (v === 'GET' || v === 'POST' ? null : { rule: 'list-method' }),
  companyId: (v) => (isCompanyId(v) ? null : { rule: 'id' }),
  imageOrigins: (v) => (Array.isArray(v) && v.every(httpUrl) ? null : { rule: 'origins' }),
};

/** Validates parsed config.json content: every field it may not have, or whose value cannot work, is named. */
export function parseDeployConfig(raw: unknown): DeployConfigResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, problem: { code: 'config.not-an-object' } };
  const fields: ConfigFieldProblem[] = [];
  for (const [field, value] of Object.entries(raw)) {
    const check = FIELDS[field as keyof DeployConfig] as Check | undefined;
    const broken =
      check === undefined
        ? { rule: 'unknown' as const, allowed: Object.keys(FIELDS) }
        : check(value);
    if (broken !== null) fields.push({ field, ...broken });
  }
  if (fields.length > 0) return { ok: false, problem: { code: 'config.malformed', fields } };
  return { ok: true, config: raw as DeployConfig };
}
