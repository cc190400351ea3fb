import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteDatabase } from '../sqlite-store';
import { groupCommitOf } from './group-commit';

/** A sync the test finishes by hand, counting how many were started. */
function manualSync() {
  const waiting: (() => void)[] = [];
  let finished = 0;
  let failWith: Error | undefined;
  return {
    started: () => waiting.length + finished,
    sync: (fd: number) => {
      expect(typeof fd).toBe('number');
      return new Promise<void>((resolve, reject) => waiting.push(() => (failWith ? reject(failWith) : resolve())));
    },
    finishOne() {
      finished += 1;
      waiting.shift()!();
    },
    failNext(error: Error) {
      failWith = error;
    },
  };
}

describe('group commit', () => {
  let dir: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passmint-group-'));
    db = openSqliteDatabase(join(dir, 'test.db'));
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  });
  afterEach(async () => {
    await groupCommitOf(db).close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (v: number) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes;
  const flushed = () => new Promise((resolve) => setImmediate(resolve));

  it('writes waiting together share one sync, and resolve only after it', async () => {
    const disk = manualSync();
    const { write } = groupCommitOf(db, { sync: disk.sync });
    const resolved: number[] = [];
    const writes = [1, 2, 3].map((v) => write(insert(v)).then(() => resolved.push(v)));
    await flushed();
    // The first write started a sync; the two after it wait for the next one, which they share.
    expect(disk.started()).toBe(1);
    expect(resolved).toEqual([]);
    disk.finishOne();
    await flushed();
    expect(resolved).toEqual([1]);
    expect(disk.started()).toBe(2);
    disk.finishOne();
    await Promise.all(writes);
    expect(resolved).toEqual([1, 2, 3]);
    expect(disk.started()).toBe(2);
  });

  it('a write that fails rejects at once, without a sync, and leaves the others', async () => {
    const disk = manualSync();
    const { write } = groupCommitOf(db, { sync: disk.sync });
    const first = write(insert(1));
    await expect(write(insert(1))).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    disk.finishOne();
    await first;
    expect(disk.started()).toBe(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  it('a failed sync fails the writes that waited for it', async () => {
    const disk = manualSync();
    const { write } = groupCommitOf(db, { sync: disk.sync });
    disk.failNext(Object.assign(new Error('I/O error'), { code: 'EIO' }));
    const waiting = write(insert(1));
    await flushed();
    disk.finishOne();
    await expect(waiting).rejects.toMatchObject({ code: 'EIO' });
  });

  it('holds no lock between commit and sync: another connection in the process writes meanwhile', async () => {
    const disk = manualSync();
    const { write } = groupCommitOf(db, { sync: disk.sync });
    const other = openSqliteDatabase(join(dir, 'test.db'));
    try {
      const waiting = write(insert(1));
      other.prepare('INSERT INTO t (v) VALUES (2)').run();
      await flushed();
      disk.finishOne();
      await waiting;
      expect(other.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 2 }]);
    } finally {
      other.close();
    }
  });

  it('a write inside a caller’s own transaction is that transaction’s', async () => {
    const disk = manualSync();
    const { write } = groupCommitOf(db, { sync: disk.sync });
    let inner: Promise<unknown> | undefined;
    db.transaction(() => {
      inner = write(insert(5));
    })();
    await inner;
    expect(disk.started()).toBe(0);
  });

  it('syncs the log for real by default', async () => {
    const { write } = groupCommitOf(db);
    await Promise.all([write(insert(1)), write(insert(2))]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2 });
  });
});
