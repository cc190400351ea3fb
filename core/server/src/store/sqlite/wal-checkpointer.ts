import type Database from 'better-sqlite3';
import { startWorkerThread, type StartThread } from '../../workers/start-thread';
import type { WalCheckpointRequest } from './wal-checkpoint-messages';

/**
 * The package's exports map points at the built JavaScript, so the same file runs in production
 * and when tests run the server from TypeScript (a Worker cannot load .ts).
 */
const THREAD_FILE = require.resolve('@passmint/server/wal-checkpoint-thread');

/** SQLite's default: a connection whose commit leaves this many pages in the log checkpoints. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_INTERVAL_MS = 100;
/** Past this many log pages a commit checkpoints after all (64 MB of 4 KB pages). */
export const COMMIT_CHECKPOINT_PAGES = 16_384;

export interface WalCheckpointerOptions {
  /** How often the thread looks for commits to checkpoint; default 100 ms. */
  intervalMs?: number;
  /** Log pages past which `db`'s commit checkpoints after all; default 16,384 (64 MB of 4 KB pages). */
  commitCheckpointPages?: number;
  startThread?: StartThread;
}

export interface WalCheckpointer {
  /** Stops the thread once its checkpoint under way is done; the connection then checkpoints every 1,000 pages again. */
  close(): Promise<void>;
}

/**
 * Checkpoints a WAL database on a thread of its own. By default the connection whose commit takes
 * the log past 1,000 pages copies them into the database file and syncs it inside that commit, on
 * the event loop, with every request of the process waiting: 30–45 ms on a slow 2-core machine
 * with a fast disk (commits of 250 rows; 3 ms without), more where a sync is slow. Here a second
 * connection, on a worker thread, runs a PASSIVE checkpoint (which holds up neither readers nor
 * writers) whenever another connection has committed since its last full one.
 *
 * The log starts over from its beginning when a commit begins with all of it copied: after any
 * pause in the writes, but seldom under a steady stream of commits. So `db` still checkpoints on
 * commit, only past `commitCheckpointPages` instead of 1,000: as the writer it copies what the
 * thread has not, all of it, and its next commit starts the log over. If the thread stops,
 * `db` checkpoints every 1,000 pages again.
 * @see https://www.sqlite.org/wal.html#automatic_checkpoint
 * @see https://www.sqlite.org/c3ref/wal_checkpoint_v2.html
 */
export function startWalCheckpointer(db: Database.Database, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const worker = (options.startThread ?? startWorkerThread)(THREAD_FILE);
  db.pragma(`wal_autocheckpoint = ${options.commitCheckpointPages ?? COMMIT_CHECKPOINT_PAGES}`);
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      resolve();
    });
  });
  // A failure ends the thread: 'exit' follows and puts the checkpoints back on commit.
  worker.on('error', () => undefined);
  worker.unref();
  const start: WalCheckpointRequest = {
    kind: 'start',
    file: db.name,
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
  };
  worker.postMessage(start);
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        // Held while it stops: an unreferenced thread would not keep a process with nothing else to do waiting.
        worker.ref();
        worker.postMessage({ kind: 'stop' } satisfies WalCheckpointRequest);
        await exited;
      })();
      return closing;
    },
  };
}
