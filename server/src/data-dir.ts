/**
 * Owner-only permissions for the data dir: it holds the JWT secret and, on SQLite, the database (password
 * hashes, token blacklist). The dir is created 0700 and every file directly inside it is made 0600, also on a
 * data dir created by an older version (tightened on every start).
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Mode of the data dir. */
export const DATA_DIR_MODE = 0o700;
/** Mode of the database and secret files in it. */
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the data dir (0700) if missing and tightens it and the files directly in it. */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  chmodSync(dataDir, DATA_DIR_MODE);
  for (const entry of readdirSync(dataDir, { withFileTypes: true }))
    if (entry.isFile()) chmodSync(join(dataDir, entry.name), PRIVATE_FILE_MODE);
}

/**
 * Creates `file` empty and 0600 when missing, so a database opened on it starts private (SQLite
 * gives its -wal and -shm files the mode of the database file).
 */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
