import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { WalCheckpointRequest } from './wal-checkpoint-messages';

interface CheckpointResult {
  busy: number;
  /** Pages in the log. */
  log: number;
  /** Pages of the log now in the database file. */
  checkpointed: number;
}

/**
 * The checkpoint thread (see ./wal-checkpointer.ts): its own connection to the database, which
 * checkpoints every `intervalMs` if another connection committed since its last full checkpoint.
 * `PRAGMA data_version` changes exactly when some other connection has committed.
 * @see https://www.sqlite.org/pragma.html#pragma_data_version
 */
function serve(): void {
  const port = parentPort;
  if (port === null) return;
  let db: Database.Database | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checkedVersion: unknown;

  const tick = (connection: Database.Database) => {
    const version = connection.pragma('data_version', { simple: true });
    if (version === checkedVersion) return;
    const [result] = connection.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    checkedVersion = result !== undefined && result.busy === 0 && result.checkpointed >= result.log ? version : undefined;
  };

  port.on('message', (message: WalCheckpointRequest) => {
    if (message.kind === 'start') {
      const connection = new Database(message.file, { fileMustExist: true });
      db = connection;
      timer = setInterval(tick, message.intervalMs, connection);
      return;
    }
    clearInterval(timer);
    db?.close();
    port.close();
  });
}

serve();
