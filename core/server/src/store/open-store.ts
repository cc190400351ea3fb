import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { PassmintEnv } from '../env';
import type { PassmintPlugin, PluginDatabase } from '../plugin/plugin';
import { closePluginDatabase, openPluginDatabase } from '../plugin/plugin-database';
import { migratePlugins } from '../plugin/plugin-migrations';
import { createPostgresStore, type PostgresStoreOptions } from './postgres-store';
import { createKeyRing, type KeyRing } from '../secrets/key-ring';
import { prepareSecrets, type SecretsState } from '../secrets/secrets-at-rest';
import type { SqlStore } from './secret-columns';
import { createSqliteStore } from './sqlite-store';

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** PASSMINT_DATABASE_URL (sqlite:<file> or postgres://…), or the SQLite file in the data dir. */
export function storeLocation(env: PassmintEnv): StoreLocation {
  const url = env.PASSMINT_DATABASE_URL;
  if (url === undefined) return { kind: 'sqlite', file: resolve(join(env.PASSMINT_DATA_DIR, 'passmint.db')) };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
  }
  return { kind: 'postgres', url };
}

/** Where the store is, for people: a PostgreSQL URL without its password. */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.kind === 'sqlite') return `SQLite ${location.file}`;
  const url = new URL(location.url);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}

/**
 * `?schema=<name>` picks the schema Passmint's tables live in (one database, several instances).
 * Connections: PASSMINT_DATABASE_POOL_SIZE, else twice this machine's CPUs. Each request holds a
 * connection only for short statements, so more connections than that only make PostgreSQL switch
 * between backends (on 2 cores, 4 connections did ~15% more writes per second than 10).
 */
export function postgresOptions(url: string, env: Pick<PassmintEnv, 'PASSMINT_DATABASE_POOL_SIZE'>): PostgresStoreOptions {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const poolSize = env.PASSMINT_DATABASE_POOL_SIZE ?? 2 * availableParallelism();
  return { connectionString: parsed.toString(), poolSize, ...(schema ? { schema } : {}) };
}

export interface OpenedStore {
  store: SqlStore;
  location: StoreLocation;
  /** The master key in use and what opening did to the stored secrets. */
  secrets: SecretsState;
  /** The key ring the store seals with (what `passmint secrets rotate` re-seals from). */
  keys: KeyRing;
  /** The plugins' connection to the same database (closed with the store); null without plugins. */
  pluginDatabase: PluginDatabase | null;
}

/**
 * Opens the configured store, brings its schema and then the plugins' up to date, loads the
 * master key and checks it against the secrets stored, the plugins' secret columns included
 * (sealing any plaintext ones left by an older release).
 */
export async function openStore(
  env: PassmintEnv,
  plugins: readonly PassmintPlugin[] = [],
  { checkpointInBackground = false }: { checkpointInBackground?: boolean } = {},
): Promise<OpenedStore> {
  const location = storeLocation(env);
  const keys = createKeyRing();
  const secretColumns = plugins.flatMap((plugin) => plugin.secretColumns ?? []);
  const database =
    location.kind === 'sqlite'
      ? { kind: 'sqlite' as const, file: location.file, checkpointInBackground }
      : { kind: 'postgres' as const, options: postgresOptions(location.url, env) };
  const opened =
    database.kind === 'sqlite'
      ? createSqliteStore(database.file, { secrets: keys, secretColumns, checkpointInBackground })
      : createPostgresStore({ ...database.options, secrets: keys, secretColumns });
  let pluginDatabase: PluginDatabase | null = null;
  const store: SqlStore = {
    ...opened,
    async close() {
      await opened.close();
      if (pluginDatabase) await closePluginDatabase(pluginDatabase);
    },
  };
  try {
    await store.migrate();
    if (plugins.length > 0) {
      pluginDatabase = openPluginDatabase(database);
      await migratePlugins(pluginDatabase, plugins);
    }
    const secrets = await prepareSecrets(store, keys, env);
    return { store, location, secrets, keys, pluginDatabase };
  } catch (error) {
    await store.close();
    throw error;
  }
}
