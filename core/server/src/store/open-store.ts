import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { PassmintEnv } from '../env';
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
}

/**
 * Opens the configured store, brings its schema up to date, loads the master key and checks it
 * against the secrets stored (sealing any plaintext ones left by an older release).
 */
export async function openStore(env: PassmintEnv): Promise<OpenedStore> {
  const location = storeLocation(env);
  const keys = createKeyRing();
  const store =
    location.kind === 'sqlite'
      ? createSqliteStore(location.file, { secrets: keys })
      : createPostgresStore({ ...postgresOptions(location.url, env), secrets: keys });
  try {
    await store.migrate();
    const secrets = await prepareSecrets(store, keys, env);
    return { store, location, secrets, keys };
  } catch (error) {
    await store.close();
    throw error;
  }
}
