/**
 * One-time import of the refresh-token blacklist older versions kept in `<dataDir>/revoked-tokens.json`
 * (a JSON object: token id -> expiry in epoch seconds) into the database, so a refresh token revoked
 * before an upgrade stays refused after it instead of working until its own expiry.
 */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenBlacklist } from '../auth/tokens';

/** Name of the old blacklist file in the data dir. */
export const LEGACY_BLACKLIST_FILE = 'revoked-tokens.json';

/** What the import did, for the start-up log. */
export interface LegacyImport {
  /** Entries still in force that now live in the database. */
  imported: number;
  /** Where the old file was moved (kept, never deleted), or null when there was none. */
  movedTo: string | null;
}

/**
 * Imports the old file's entries still in force, then renames it `<name>.imported` so the next start
 * does not read it again. A file that is not such an object stops the start with an error naming it (the
 * operator decides; nothing is lost or half-imported); entries that are not `id: seconds` are skipped.
 */
export async function importLegacyBlacklist(
  dataDir: string,
  blacklist: TokenBlacklist,
  nowS: number,
): Promise<LegacyImport> {
  const file = join(dataDir, LEGACY_BLACKLIST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { imported: 0, movedTo: null };
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message}); fix or remove it`);
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored))
    throw new Error(`${file} is not an object of token id -> expiry seconds; fix or remove it`);
  let imported = 0;
  for (const [jti, exp] of Object.entries(stored)) {
    if (jti === '' || typeof exp !== 'number' || !Number.isFinite(exp) || exp <= nowS) continue;
    await blacklist.add(jti, exp, nowS);
    imported++;
  }
  const movedTo = `${file}.imported`;
  renameSync(file, movedTo);
  return { imported, movedTo };
}
