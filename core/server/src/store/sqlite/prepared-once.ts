import type Database from 'better-sqlite3';

/**
 * Each statement is prepared on first use and reused afterwards. Not up front: the tables do not
 * exist until `migrate()` has run.
 */
export function preparedOnce<K extends string>(db: Database.Database, sources: Record<K, string>): Record<K, Database.Statement> {
  const prepared = {} as Record<K, Database.Statement>;
  for (const name of Object.keys(sources) as K[]) {
    let statement: Database.Statement | undefined;
    Object.defineProperty(prepared, name, { get: () => (statement ??= db.prepare(sources[name])) });
  }
  return prepared;
}

/**
 * Judged by the code, not `instanceof SqliteError`: the native addon binds its error class once
 * per process, so a second copy of the module (jest's per-file module registry) has another class.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
