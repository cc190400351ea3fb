import { isAbsolute, join, resolve } from 'node:path';
import { PassmintError, type Store } from '@passmint/engine';
import type { PassmintEnv } from '../env';
import { createSqliteStore } from './sqlite-store';

export interface StoreLocation {
  kind: 'sqlite';
  file: string;
}

/** PASSMINT_DATABASE_URL, or the SQLite file in the data dir. */
export function storeLocation(env: PassmintEnv): StoreLocation {
  const url = env.PASSMINT_DATABASE_URL;
  if (url === undefined) return { kind: 'sqlite', file: resolve(join(env.PASSMINT_DATA_DIR, 'passmint.db')) };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
  }
  throw new PassmintError('store_unsupported', 'PASSMINT_DATABASE_URL: PostgreSQL is not supported by this release yet; use sqlite:<file> or leave it unset.');
}

/** Opens the configured store and brings its schema up to date. */
export async function openStore(env: PassmintEnv): Promise<{ store: Store; location: StoreLocation }> {
  const location = storeLocation(env);
  const store = createSqliteStore(location.file);
  await store.migrate();
  return { store, location };
}
