import type Database from 'better-sqlite3';
import type { Pool } from 'pg';
import type { SecretBox } from '@passmint/engine';
import type { OrderStore } from './order-store';
import { createPostgresOrderStore } from './postgres-order-store';
import { createSqliteOrderStore } from './sqlite-order-store';

/** The database a host hands its plugins (the server's PluginDatabase). */
export type OrderStoreDatabase = { kind: 'sqlite'; db: Database.Database } | { kind: 'postgres'; pool: Pick<Pool, 'query'> };

/** The order store on whichever database the host runs. */
export function orderStoreOn(database: OrderStoreDatabase, box: SecretBox): OrderStore {
  return database.kind === 'sqlite' ? createSqliteOrderStore(database.db, box) : createPostgresOrderStore(database.pool, box);
}
