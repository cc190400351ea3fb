import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openSqliteDatabase } from '../sqlite-store';
import { COMMIT_CHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES, startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer';

const ROW_BYTES = 4000;

/** Polls until `check` holds; the test's own timeout bounds it, so a slow machine only waits longer. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(10);
}

describe('WAL checkpoints on a thread of their own', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let checkpointer: WalCheckpointer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passmint-checkpoint-'));
    file = join(dir, 'test.db');
    db = openSqliteDatabase(file);
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
  });
  afterEach(async () => {
    await checkpointer?.close();
    checkpointer = undefined;
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (rows: number) => {
    const statement = db.prepare('INSERT INTO t (v) VALUES (randomblob(?))');
    db.transaction(() => {
      for (let row = 0; row < rows; row++) statement.run(ROW_BYTES);
    }).immediate();
  };
  const sizeOf = (path: string) => statSync(path).size;

  it('takes the checkpoints off the commits: 2,000 pages committed leave the database file as it was', () => {
    // An hour between looks: nothing but the connection itself could have copied them.
    checkpointer = startWalCheckpointer(db, { intervalMs: 3_600_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(COMMIT_CHECKPOINT_PAGES);
    const before = sizeOf(file);
    // Past the 1,000 pages at which the connection's own commit would have checkpointed.
    insert(2000);
    expect(sizeOf(file)).toBe(before);
    expect(sizeOf(`${file}-wal`)).toBeGreaterThan(2000 * ROW_BYTES);
  });

  it('copies what other connections commit into the database file', async () => {
    checkpointer = startWalCheckpointer(db, { intervalMs: 10 });
    const before = sizeOf(file);
    insert(2000);
    await until(() => sizeOf(file) >= before + 2000 * ROW_BYTES);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2000 });
  });

  it('keeps the log small: past `commitCheckpointPages` a commit checkpoints after all, and the log starts over', () => {
    checkpointer = startWalCheckpointer(db, { intervalMs: 3_600_000, commitCheckpointPages: 200 });
    // 2,000 pages in commits of 50: without the commits' checkpoints the log would hold them all.
    for (let commit = 0; commit < 40; commit++) insert(50);
    expect(sizeOf(`${file}-wal`)).toBeLessThan(400 * ROW_BYTES);
    expect(sizeOf(file)).toBeGreaterThan(1500 * ROW_BYTES);
  });

  it('goes back to checkpointing on commit when the thread stops', async () => {
    let worker: Worker | undefined;
    checkpointer = startWalCheckpointer(db, {
      startThread: (threadFile) => (worker = new Worker(threadFile)),
    });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(COMMIT_CHECKPOINT_PAGES);
    await worker!.terminate();
    await until(() => db.pragma('wal_autocheckpoint', { simple: true }) === SQLITE_AUTOCHECKPOINT_PAGES);
    await checkpointer.close();
  });

  it('closes: the thread has let go of the file, and the last connection to close checkpoints and removes the log', async () => {
    checkpointer = startWalCheckpointer(db, { intervalMs: 60_000 });
    insert(100);
    await checkpointer.close();
    await checkpointer.close();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    checkpointer = undefined;
    db.close();
    expect(() => statSync(`${file}-wal`)).toThrow();
    db = openSqliteDatabase(file);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 100 });
  });
});
