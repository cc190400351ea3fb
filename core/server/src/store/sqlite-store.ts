import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SecretBox } from '@passmint/engine';
import { ensurePrivateDir, ensurePrivateFile } from '../secrets/private-files';
import { secretSealer, type SecretColumn, type SqlStore } from './secret-columns';
import { sqliteActivity } from './sqlite/activity';
import { sqliteEvents } from './sqlite/events';
import { sqliteGoogle } from './sqlite/google';
import { groupCommitOf } from './sqlite/group-commit';
import { sqliteImages } from './sqlite/images';
import { preparedOnce } from './sqlite/prepared-once';
import { sqlitePasses } from './sqlite/passes';
import { sqlitePushOutbox } from './sqlite/push-outbox';
import { sqliteRegistrations } from './sqlite/registrations';
import { sqliteTenants } from './sqlite/tenants';
import { sqliteUsage } from './sqlite/usage';
import { startWalCheckpointer } from './sqlite/wal-checkpointer';
import { sqliteWebhooks } from './sqlite/webhooks';
import { migrate } from './sqlite-migrations';
import { sqliteSecretCells } from './sqlite-secret-cells';

/** Opens (creating if needed) a SQLite file with the settings the store relies on; its files are the owner's only. */
export function openSqliteDatabase(file: string): Database.Database {
  ensurePrivateDir(dirname(file));
  ensurePrivateFile(file, [`${file}-wal`, `${file}-shm`]);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export interface SqliteStoreOptions {
  /** Seals the secret columns; without it the store can neither write nor read a secret. */
  secrets?: SecretBox;
  /** Secret columns of the plugins' tables, sealed, rotated and listed with the server's. */
  secretColumns?: readonly SecretColumn[];
  /** Checkpoints on a thread of its own rather than in the commits (./sqlite/wal-checkpointer.ts): for a long-running server. */
  checkpointInBackground?: boolean;
}

/**
 * The Store port on a SQLite file, composed of one part per aggregate (./sqlite/). Call
 * `migrate()` before anything else.
 *
 * Every write runs as `.immediate(...)`: it takes the write lock up front and waits out
 * busy_timeout, instead of failing with SQLITE_BUSY when a deferred transaction that has
 * already read tries to upgrade after another connection committed. And every write goes through
 * the connection's group commit (./sqlite/group-commit.ts), which answers once it is on disk.
 */
export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): SqlStore {
  const db = openSqliteDatabase(file);
  // Commits don't wait for the disk: every write waits for the group commit's sync of the log instead.
  db.pragma('synchronous = NORMAL');
  const checkpointer = options.checkpointInBackground ? startWalCheckpointer(db) : undefined;
  const sql = preparedOnce(db, { ping: 'SELECT 1' });
  const secrets = secretSealer(options.secrets);
  const usage = sqliteUsage(db);
  const events = sqliteEvents(db);
  const outbox = sqlitePushOutbox(db, events.steps);

  return {
    ...sqliteSecretCells(db, options.secretColumns),
    async migrate() {
      migrate(db);
    },
    async close() {
      // The thread's connection goes first: the last connection to close checkpoints what is left.
      await checkpointer?.close();
      await groupCommitOf(db).close();
      db.close();
    },
    async ping() {
      sql.ping.get();
    },
    ...sqliteTenants(db, secrets),
    ...sqlitePasses(db, usage.steps, outbox.steps, events.steps),
    ...sqliteRegistrations(db, outbox.steps, events.steps),
    ...outbox.methods,
    ...sqliteGoogle(db, outbox.steps, events.steps),
    ...events.methods,
    ...sqliteWebhooks(db, secrets),
    ...usage.methods,
    ...sqliteImages(db),
    ...sqliteActivity(db),
  };
}
