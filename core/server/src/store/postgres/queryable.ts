import type { Pool, PoolClient } from 'pg';
import type { SecretSealer } from '../secret-columns';

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

/** Runs `work` in one transaction on one client of the store's pool. */
export type Transaction = <T>(work: (db: PoolClient) => Promise<T>) => Promise<T>;

/** What every aggregate of the PostgreSQL store works with. */
export interface PostgresContext {
  pool: Pool;
  transaction: Transaction;
  /** Seals and opens the secret columns. */
  secrets: SecretSealer;
}

/** Runs `work` on one client between BEGIN and COMMIT; rolls back when it throws. */
export async function withTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is unusable; release it as broken so the pool does not hand it out again.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Waits for, then holds to commit, a transaction-scoped lock on a name. */
export async function lockKey(db: Queryable, key: string): Promise<void> {
  // Two names with the same 64-bit hash would only wait for each other, never break anything.
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

/** A unique violation of the named constraint (or index). */
export function violates(error: unknown, constraint: string): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && name === constraint;
}
