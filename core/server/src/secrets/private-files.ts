import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Everything Passmint writes to disk (the SQLite file and its -wal and -shm, the development
 * identity's keys, secret.key, demo.pkpass) is for its owner's eyes only: directories 0700,
 * files 0600, whatever the process's umask.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates a directory (and missing parents) readable by its owner only; an existing one is left as it is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Writes a file readable by its owner only, tightening one that existed with looser modes. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Makes sure `path` exists as an owner-only file before a library opens it (SQLite creates its
 * files 0644, and its -wal and -shm take the database file's mode), and tightens the files of
 * `path` that already exist. A file that is not there is skipped.
 */
export function ensurePrivateFile(path: string, companions: string[] = []): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, ...companions]) tightenFile(file);
}

/** chmod 0600 when the file exists and is looser; nothing when it does not exist. */
export function tightenFile(path: string): void {
  try {
    if ((lstatSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

const SCAN_LIMIT = 200;

/**
 * The paths under `dir` (itself included, two levels down, at most 200 entries looked at) that
 * other users may read or enter, with their modes: what the start-up report warns about.
 */
export function looseModes(dir: string): { path: string; mode: string }[] {
  const found: { path: string; mode: string }[] = [];
  let seen = 0;
  const visit = (path: string, depth: number): void => {
    if (seen++ >= SCAN_LIMIT) return;
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) found.push({ path, mode: (stat.mode & 0o777).toString(8).padStart(4, '0') });
    if (stat.isDirectory() && depth < 2) {
      for (const name of safeReaddir(path).sort()) visit(join(path, name), depth + 1);
    }
  };
  visit(dir, 0);
  return found;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
