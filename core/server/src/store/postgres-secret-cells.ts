import type { PoolClient } from 'pg';
import { listSecretCellsSql, secretColumnsWith, type SecretCell, type SecretCells, type SecretColumn } from './secret-columns';

type Queryable = Pick<PoolClient, 'query'>;

/**
 * The secret cells of a PostgreSQL store. A rewrite locks every secret row first (`FOR NO KEY
 * UPDATE`: passes being written keep their foreign-key lock on the tenant), so a tenant updated by
 * another process meanwhile waits and is then sealed under the new key too, never lost.
 */
export function postgresSecretCells(
  transaction: <T>(work: (db: PoolClient) => Promise<T>) => Promise<T>,
  pool: Queryable,
  pluginColumns: readonly SecretColumn[] = [],
): SecretCells {
  const columns = secretColumnsWith(pluginColumns);
  async function list(db: Queryable, lock: boolean): Promise<SecretCell[]> {
    const cells: SecretCell[] = [];
    for (const column of columns) {
      const { rows } = await db.query<{ row_key: string; value: string }>(
        `${listSecretCellsSql(column)}${lock ? ' FOR NO KEY UPDATE' : ''}`,
      );
      cells.push(...rows.map((row) => ({ column, rowKey: row.row_key, value: row.value })));
    }
    return cells;
  }

  return {
    async listSecretCells() {
      return list(pool, false);
    },
    async rewriteSecretCells(rewrite) {
      return transaction(async (db) => {
        let changed = 0;
        for (const cell of await list(db, true)) {
          const next = rewrite(cell);
          if (next === cell.value) continue;
          await db.query(`UPDATE ${cell.column.table} SET ${cell.column.column} = $1 WHERE ${cell.column.key} = $2`, [next, cell.rowKey]);
          changed += 1;
        }
        return changed;
      });
    },
  };
}
