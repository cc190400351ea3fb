import { Pool } from 'pg';
import { openSqliteDatabase } from '../store/sqlite-store';
import { COMMIT_CHECKPOINT_PAGES } from '../store/sqlite/wal-checkpointer';
import type { PostgresStoreOptions } from '../store/postgres-store';
import type { PluginDatabase } from './plugin';

/** Plugins' connections are few: their work is a webhook at a time, not the API's load. */
const PLUGIN_POOL_SIZE = 4;

/** A connection of the plugins' own to the store's database (the store keeps its connections to itself). */
export function openPluginDatabase(
  location: { kind: 'sqlite'; file: string; checkpointInBackground?: boolean } | { kind: 'postgres'; options: PostgresStoreOptions },
): PluginDatabase {
  if (location.kind === 'sqlite') {
    const db = openSqliteDatabase(location.file);
    // The store's thread checkpoints what every connection commits (../store/sqlite/wal-checkpointer.ts).
    if (location.checkpointInBackground) db.pragma(`wal_autocheckpoint = ${COMMIT_CHECKPOINT_PAGES}`);
    return { kind: 'sqlite', db };
  }
  const { connectionString, schema } = location.options;
  const pool = new Pool({
    connectionString,
    max: PLUGIN_POOL_SIZE,
    // The store checked the name when it opened (lower-case letters, digits and _ only).
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', () => undefined);
  return { kind: 'postgres', pool };
}

export async function closePluginDatabase(database: PluginDatabase): Promise<void> {
  if (database.kind === 'sqlite') database.db.close();
  else await database.pool.end();
}
