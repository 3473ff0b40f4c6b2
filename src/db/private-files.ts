import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * File modes of the data at rest: the SQLite database (every user and the sync's mirror)
 * and the generated encryption key are readable by this service's account only.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data folder as 0700, and tightens an existing one that others may read —
 * unless it is the working directory or one of its parents (`sqlite:./x.db`): that folder
 * belongs to the operator, not to us.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const full = resolve(dir);
  const cwd = resolve('.');
  if (full === cwd || cwd.startsWith(full.endsWith(sep) ? full : full + sep)) return;
  if ((statSync(full).mode & 0o077) !== 0) chmodSync(full, PRIVATE_DIR_MODE);
}

/**
 * Makes sure the SQLite file and its WAL companions exist as 0600 before SQLite opens them
 * (SQLite gives the -wal and -shm files the database file's mode), tightening old ones.
 */
export function ensurePrivateDatabaseFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, PRIVATE_FILE_MODE);
    }
  }
}
