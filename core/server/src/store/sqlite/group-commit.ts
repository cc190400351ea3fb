import { closeSync, fdatasync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * Runs a write (synchronous: one statement, or a `db.transaction(...)` function called as
 * `.immediate(...)`), and resolves with what it returned once the write-ahead log holding its
 * commit is on disk; rejects when the write or that sync failed.
 */
export type GroupWrite = <T>(write: () => T) => Promise<T>;

export interface GroupCommit {
  write: GroupWrite;
  /**
   * As `write`, but run at the end of this turn of the event loop, in one transaction with the
   * other joined writes queued in the same turn, each in a savepoint of its own: a write that
   * throws is undone and rejected alone. For the writes a busy server makes many of at once (pass
   * changes, device registrations): a commit writes the pages it touched to the log, about 25 µs
   * of CPU even for a small change, and writes joined share the pages they both touch (the event
   * log, the indexes). Joining the workers' claims as well cost more CPU per event in
   * `npm run bench:events` (docs/benchmarks.md), so they don't.
   */
  joined: GroupWrite;
  /** Waits for the sync under way and closes the log's descriptor (before the connection closes). */
  close(): Promise<void>;
}

export interface GroupCommitOptions {
  /** Flushes a descriptor's data to disk; fs.fdatasync by default (tests count the calls). */
  sync?: (fd: number) => Promise<void>;
}

const groups = new WeakMap<Database.Database, GroupCommit>();

/**
 * The group commit of a connection, one per connection whichever store part asks. With
 * `synchronous = FULL` every commit waited for its own fsync of the write-ahead log, 1–2 ms on a
 * cloud disk with the event loop blocked throughout, which capped a process at a few hundred writes
 * a second whatever its CPU could do. Instead the store's connection commits with
 * `synchronous = NORMAL` (no fsync at commit; SQLite still syncs the log before each checkpoint)
 * and every write waits for the next fdatasync of the log, on libuv's pool: one sync serves every
 * commit made before it started, and an answer still follows a write that is on disk.
 *
 * Other readers can see a commit a moment before its sync: only a power loss in that moment loses
 * what they saw (its writer then never got an answer). No lock is held between commit and sync, so
 * another connection in the process (the plugins') never waits for it.
 */
export function groupCommitOf(db: Database.Database, options: GroupCommitOptions = {}): GroupCommit {
  let commit = groups.get(db);
  if (!commit) {
    commit = createGroupCommit(db, options.sync ?? fdatasyncPromise);
    groups.set(db, commit);
  }
  return commit;
}

function createGroupCommit(db: Database.Database, sync: (fd: number) => Promise<void>): GroupCommit {
  let fd: number | undefined;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  function syncOnce(): Promise<void> {
    try {
      // Opened at the first write: SQLite creates the log then. It keeps the same file (reset in
      // place after a checkpoint) for as long as a connection is open, and this one is.
      fd ??= openSync(`${db.name}-wal`, 'r+');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const done: Promise<void> = sync(fd).finally(() => {
      if (running === done) running = null;
    });
    running = done;
    return done;
  }

  /** A sync that starts after now: the one under way may have begun before this commit reached the log. */
  function nextSync(): Promise<void> {
    if (running === null) return syncOnce();
    queued ??= running.then(settled, settled).then(() => {
      queued = null;
      return syncOnce();
    });
    return queued;
  }

  function write<T>(run: () => T): Promise<T> {
    let result: T;
    try {
      result = run();
    } catch (error) {
      return Promise.reject(error);
    }
    // Inside a caller's own transaction nothing is committed yet: the outer write waits for the sync.
    if (db.inTransaction) return Promise.resolve(result);
    return nextSync().then(() => result);
  }

  const queue = createJoinedWrites(db, nextSync);
  return {
    write,
    // A caller's own transaction has begun already: the write is that transaction's.
    joined: (run) => (db.inTransaction ? write(run) : queue.add(run)),
    async close() {
      queue.drain();
      await Promise.all([running, queued].map((waiting) => waiting?.catch(settled)));
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

interface JoinedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The most writes one joined transaction takes: the event loop waits for all of them. */
const JOINED_MAX = 64;

/** The queue of joined writes, committed at the end of the turn (or at close). */
function createJoinedWrites(db: Database.Database, nextSync: () => Promise<void>) {
  const waiting: JoinedWrite[] = [];
  const inSavepoint = db.transaction((run: () => unknown) => run());
  const commitAll = db.transaction((writes: JoinedWrite[]): Outcome[] => writes.map(attempt));

  function attempt(write: JoinedWrite): Outcome {
    try {
      return { ok: true, value: inSavepoint(write.run) };
    } catch (error) {
      // Some errors (a full disk, say) end the whole transaction, and with it the writes before.
      if (!db.inTransaction) throw error;
      return { ok: false, error };
    }
  }

  /** Commits the first JOINED_MAX writes waiting, and leaves the rest for the next turn. */
  function flush(): void {
    const writes = waiting.splice(0, JOINED_MAX);
    if (writes.length === 0) return;
    if (waiting.length > 0) setImmediate(flush);
    let outcomes: Outcome[];
    try {
      outcomes = commitAll.immediate(writes);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    const synced = nextSync();
    outcomes.forEach((outcome, index) => {
      const write = writes[index]!;
      if (outcome.ok) synced.then(() => write.resolve(outcome.value), write.reject);
      else write.reject(outcome.error);
    });
  }

  return {
    add<T>(run: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({ run, resolve: resolve as (value: unknown) => void, reject });
        if (waiting.length === 1) setImmediate(flush);
      });
    },
    /** Commits every write waiting (at close). */
    drain(): void {
      while (waiting.length > 0) flush();
    },
  };
}

function settled(): void {}

function fdatasyncPromise(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}
