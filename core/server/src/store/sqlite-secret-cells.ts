import type Database from 'better-sqlite3';
import { listSecretCellsSql, secretColumnsWith, type SecretCell, type SecretCells, type SecretColumn } from './secret-columns';

/**
 * SQLite leaves a row's old contents in free pages of the file and in the -wal until they are
 * reused, so sealing plaintext rows (or rotating their key) with a plain UPDATE would leave the
 * old secrets readable on disk. The rewrite runs with `secure_delete` on (freed content is
 * overwritten with zeros), then VACUUM rebuilds the file without free pages and a TRUNCATE
 * checkpoint copies the -wal back and empties it.
 * @see https://www.sqlite.org/pragma.html#pragma_secure_delete
 * @see https://www.sqlite.org/lang_vacuum.html
 */
export function sqliteSecretCells(db: Database.Database, pluginColumns: readonly SecretColumn[] = []): SecretCells {
  const columns = secretColumnsWith(pluginColumns);
  const list = (): SecretCell[] =>
    columns.flatMap((column) =>
      (db.prepare(listSecretCellsSql(column)).all() as { row_key: string; value: string }[]).map((row) => ({
        column,
        rowKey: row.row_key,
        value: row.value,
      })),
    );

  const rewriteAll = db.transaction((rewrite: (cell: SecretCell) => string): number => {
    let changed = 0;
    for (const cell of list()) {
      const next = rewrite(cell);
      if (next === cell.value) continue;
      db.prepare(`UPDATE ${cell.column.table} SET ${cell.column.column} = ? WHERE ${cell.column.key} = ?`).run(next, cell.rowKey);
      changed += 1;
    }
    return changed;
  });

  return {
    async listSecretCells() {
      return list();
    },
    async rewriteSecretCells(rewrite) {
      const previous = Number(db.pragma('secure_delete', { simple: true }));
      db.pragma('secure_delete = ON');
      let changed: number;
      try {
        changed = rewriteAll.immediate(rewrite);
      } finally {
        db.pragma(`secure_delete = ${previous}`);
      }
      if (changed > 0) {
        db.exec('VACUUM');
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
      return changed;
    },
  };
}
