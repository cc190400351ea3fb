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

  it.each(['write', 'joined'] as const)('a failed sync fails the writes that waited for it (%s)', async (kind) => {
    const disk = manualSync();
    const commit = groupCommitOf(db, { sync: disk.sync });
    disk.failNext(Object.assign(new Error('I/O error'), { code: 'EIO' }));
    const waiting = commit[kind](insert(1));
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

  it.each(['write', 'joined'] as const)(
    'a write inside a caller’s own transaction is that transaction’s, run at once (%s)',
    async (kind) => {
      const disk = manualSync();
      const commit = groupCommitOf(db, { sync: disk.sync });
      let inner: Promise<unknown> | undefined;
      db.transaction(() => {
        inner = commit[kind](insert(5));
        expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
      })();
      await inner;
      expect(disk.started()).toBe(0);
    },
  );

  it('syncs the log for real by default', async () => {
    const { write } = groupCommitOf(db);
    await Promise.all([write(insert(1)), write(insert(2))]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2 });
  });

  describe('joined writes', () => {
    const count = (connection: Database.Database) => (connection.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

    it('commit together at the end of the turn, in one transaction, and resolve after one sync', async () => {
      const disk = manualSync();
      const { joined } = groupCommitOf(db, { sync: disk.sync });
      const other = openSqliteDatabase(join(dir, 'test.db'));
      try {
        const seenByOther: number[] = [];
        const writes = [1, 2, 3].map((v) =>
          joined(() => {
            // Another connection sees none of the writes before this one: nothing is committed yet.
            seenByOther.push(count(other));
            return insert(v)();
          }),
        );
        expect(count(db)).toBe(0);
        await flushed();
        expect(seenByOther).toEqual([0, 0, 0]);
        expect(count(other)).toBe(3);
        expect(disk.started()).toBe(1);
        let resolved = false;
        void Promise.all(writes).then(() => (resolved = true));
        await flushed();
        expect(resolved).toBe(false);
        disk.finishOne();
        await expect(Promise.all(writes)).resolves.toEqual([1, 1, 1]);
      } finally {
        other.close();
      }
    });

    it('takes at most 64 writes a transaction, the rest in the next turn', async () => {
      const { joined } = groupCommitOf(db);
      const other = openSqliteDatabase(join(dir, 'test.db'));
      try {
        const seenByOther: number[] = [];
        const writes = Array.from({ length: 70 }, (_, v) =>
          joined(() => {
            seenByOther.push(count(other));
            return insert(v)();
          }),
        );
        await Promise.all(writes);
        // The first 64 saw nothing committed; the last 6 saw those 64.
        expect(seenByOther).toEqual([...Array<number>(64).fill(0), ...Array<number>(6).fill(64)]);
        expect(count(db)).toBe(70);
      } finally {
        other.close();
      }
    });

    it('a write that throws is undone and rejected alone; the others commit', async () => {
      const disk = manualSync();
      const { joined } = groupCommitOf(db, { sync: disk.sync });
      const first = joined(insert(1));
      const failing = joined(() => {
        insert(2)();
        throw new Error('after its insert');
      });
      const duplicate = joined(insert(1));
      const last = joined(insert(3));
      await expect(failing).rejects.toThrow('after its insert');
      await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
      disk.finishOne();
      await Promise.all([first, last]);
      expect(db.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 3 }]);
    });

    it('when a write ends the whole transaction, every write of the turn fails and none is kept', async () => {
      const disk = manualSync();
      const { joined } = groupCommitOf(db, { sync: disk.sync });
      const before = joined(insert(1));
      const ending = joined(() => {
        // As SQLite does itself on a full disk or an I/O error: the transaction is rolled back.
        db.prepare('ROLLBACK').run();
        throw new Error('disk full');
      });
      const after = joined(insert(2));
      for (const write of [before, ending, after]) await expect(write).rejects.toThrow('disk full');
      expect(count(db)).toBe(0);
      expect(disk.started()).toBe(0);
    });

    it('close commits the joined writes still waiting for the end of the turn', async () => {
      const { joined, close } = groupCommitOf(db);
      const waiting = joined(insert(7));
      await close();
      // Before the turn ends: close wrote it itself.
      expect(count(db)).toBe(1);
      await waiting;
    });
  });
});
