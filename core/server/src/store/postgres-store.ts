import { Pool, type PoolClient } from 'pg';
import { PassmintError, type SecretBox } from '@passmint/engine';
import { postgresEvents } from './postgres/events';
import { postgresActivity } from './postgres/activity';
import { postgresGoogle } from './postgres/google';
import { postgresImages } from './postgres/images';
import { postgresPasses } from './postgres/passes';
import { prepareStatements } from './postgres/prepared-statements';
import { postgresPushOutbox } from './postgres/push-outbox';
import { withTransaction, type PostgresContext } from './postgres/queryable';
import { postgresRegistrations } from './postgres/registrations';
import { postgresTenants } from './postgres/tenants';
import { postgresUsage } from './postgres/usage';
import { postgresWebhooks } from './postgres/webhooks';
import { migratePostgres } from './postgres-migrations';
import { postgresSecretCells } from './postgres-secret-cells';
import { secretSealer, type SecretColumn, type SqlStore } from './secret-columns';

export { withTransaction } from './postgres/queryable';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Every connection works in this schema (created by `migrate()`); the server's default when absent. */
  schema?: string;
  /** Connections in the pool; pg's default (10) when absent (`passmint serve` sets it, see postgresOptions). */
  poolSize?: number;
  /** Seals the secret columns; without it the store can neither write nor read a secret. */
  secrets?: SecretBox;
  /** Secret columns of the plugins' tables, sealed, rotated and listed with the server's. */
  secretColumns?: readonly SecretColumn[];
}

/**
 * The Store port on PostgreSQL, for several server processes sharing one database, composed of
 * one part per aggregate (./postgres/). Call `migrate()` before anything else.
 *
 * Where SQLite serialises every write with its single writer lock, this store locks only what
 * a write depends on: transaction-scoped advisory locks on an idempotency key and on a tenant's
 * month of quota, the pass row (`FOR NO KEY UPDATE`), and in the write's last statement the
 * change-tag counter row, then the tenant's usage row. Locks are always taken in that order, so
 * writers cannot deadlock on one another.
 */
export function createPostgresStore(options: PostgresStoreOptions): SqlStore {
  const pool = new Pool({
    connectionString: options.connectionString,
    ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
    ...(options.schema === undefined ? {} : { options: `-c search_path=${checkedSchemaName(options.schema)}` }),
  });
  // An idle client whose connection drops emits 'error' on the pool; unhandled, it would end the
  // process. The next query simply opens a new connection.
  pool.on('error', () => undefined);
  pool.on('connect', prepareStatements);
  let closing: Promise<void> | null = null;
  const transaction = <T>(work: (db: PoolClient) => Promise<T>): Promise<T> => withTransaction(pool, work);
  const context: PostgresContext = { pool, transaction, secrets: secretSealer(options.secrets) };

  return {
    ...postgresSecretCells(transaction, pool, options.secretColumns),
    async migrate() {
      await migratePostgres(pool, options.schema === undefined ? {} : { schema: options.schema });
    },
    async close() {
      closing ??= pool.end();
      await closing;
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    ...postgresTenants(context),
    ...postgresPasses(context),
    ...postgresRegistrations(context),
    ...postgresPushOutbox(context),
    ...postgresGoogle(context),
    ...postgresUsage(context),
    ...postgresImages(context),
    ...postgresActivity(context),
    ...postgresEvents(context),
    ...postgresWebhooks(context),
  };
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Only plain lower-case names: they need no quoting in search_path or in SQL. */
function checkedSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new PassmintError(
      'invalid_config',
      `PostgreSQL schema '${schema}' must be lower-case letters, digits and _ (at most 63), not starting with a digit.`,
    );
  }
  return schema;
}
