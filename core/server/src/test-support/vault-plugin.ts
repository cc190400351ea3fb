import { z } from 'zod';
import { definePlugin, type PassmintPlugin, type PluginDatabase } from '../plugin';
import type { OpenedStore } from '../store/open-store';

const TABLE_SQL = 'CREATE TABLE IF NOT EXISTS plugin_vault (id text NOT NULL PRIMARY KEY, secret text NOT NULL)';

/**
 * A plugin with one secret column and nothing else, standing in for a shop plugin's sessions in
 * the tests of sealing and `passmint secrets rotate`.
 */
export function vaultPlugin(): PassmintPlugin {
  return definePlugin({
    name: 'vault',
    env: z.object({}),
    migrations: { sqlite: [{ version: 1, name: 'vault', sql: TABLE_SQL }], postgres: [{ version: 1, name: 'vault', sql: TABLE_SQL }] },
    secretColumns: [{ table: 'plugin_vault', column: 'secret', key: 'id' }],
    register: async () => null,
  });
}

/** Runs one statement on the plugins' connection ($1-style parameters on both databases). */
export async function runOn(database: PluginDatabase, sql: string, params: unknown[] = []): Promise<unknown[]> {
  if (database.kind === 'postgres') return (await database.pool.query(sql, params)).rows;
  const statement = database.db.prepare(sql.replace(/\$\d+/g, '?'));
  if (statement.reader) return statement.all(...params);
  statement.run(...params);
  return [];
}

/** Keeps a secret in the vault, sealed as a plugin seals it. */
export async function putVaultSecret(opened: OpenedStore, id: string, plaintext: string): Promise<void> {
  const sealed = opened.keys.seal(plaintext, `plugin_vault.secret:${id}`);
  await runOn(vaultDatabase(opened), 'INSERT INTO plugin_vault (id, secret) VALUES ($1, $2)', [id, sealed]);
}

/** A vault secret opened, or null when there is none. */
export async function readVaultSecret(opened: OpenedStore, id: string): Promise<string | null> {
  const [row] = (await runOn(vaultDatabase(opened), 'SELECT secret FROM plugin_vault WHERE id = $1', [id])) as { secret: string }[];
  return row ? opened.keys.open(row.secret, `plugin_vault.secret:${id}`) : null;
}

function vaultDatabase(opened: OpenedStore): PluginDatabase {
  if (!opened.pluginDatabase) throw new Error('the store was opened without the vault plugin');
  return opened.pluginDatabase;
}
