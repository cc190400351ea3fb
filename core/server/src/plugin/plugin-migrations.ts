import type Database from 'better-sqlite3';
import type { Pool } from 'pg';
import type { PassmintPlugin, PluginDatabase, PluginMigration } from './plugin';

/**
 * Applies the plugins' migrations the database has not seen, after the server's own. Each set
 * counts its versions from 1; `plugin_migrations` records them by the set's name, so two plugins
 * never collide and a plugin added later starts from its first step.
 */
export async function migratePlugins(database: PluginDatabase, plugins: readonly PassmintPlugin[]): Promise<void> {
  const sets = migrationSets(plugins);
  if (sets.length === 0) return;
  if (database.kind === 'sqlite') migrateSqlitePlugins(database.db, sets);
  else await migratePostgresPlugins(database.pool, sets);
}

interface MigrationSet {
  name: string;
  sqlite: readonly PluginMigration[];
  postgres: readonly PluginMigration[];
}

/** One set per name: plugins that share tables share their steps. */
function migrationSets(plugins: readonly PassmintPlugin[]): MigrationSet[] {
  const sets = new Map<string, MigrationSet>();
  for (const plugin of plugins) {
    const name = plugin.migrations.name ?? plugin.name;
    if (!sets.has(name)) sets.set(name, { ...plugin.migrations, name });
  }
  return [...sets.values()];
}

function migrateSqlitePlugins(db: Database.Database, sets: readonly MigrationSet[]): void {
  db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS plugin_migrations (plugin TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (plugin, version))',
    );
    const applied = db.prepare('SELECT version FROM plugin_migrations WHERE plugin = ?').pluck();
    const record = db.prepare('INSERT INTO plugin_migrations (plugin, version, applied_at) VALUES (?, ?, ?)');
    for (const set of sets) {
      for (const migration of missing(set.sqlite, applied.all(set.name) as number[])) {
        db.exec(migration.sql);
        record.run(set.name, migration.version, new Date().toISOString());
      }
    }
  }).immediate();
}

async function migratePostgresPlugins(pool: Pool, sets: readonly MigrationSet[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      // The pool's search_path is the server's schema; processes starting together wait here.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended('passmint.plugins:' || current_schema(), 0))");
      await client.query(
        'CREATE TABLE IF NOT EXISTS plugin_migrations (plugin text NOT NULL, version integer NOT NULL, applied_at text NOT NULL, PRIMARY KEY (plugin, version))',
      );
      for (const set of sets) {
        const { rows } = await client.query<{ version: number }>('SELECT version FROM plugin_migrations WHERE plugin = $1', [set.name]);
        for (const migration of missing(
          set.postgres,
          rows.map((row) => row.version),
        )) {
          await client.query(migration.sql);
          await client.query('INSERT INTO plugin_migrations (plugin, version, applied_at) VALUES ($1, $2, $3)', [
            set.name,
            migration.version,
            new Date().toISOString(),
          ]);
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}

function missing(list: readonly PluginMigration[], applied: number[]): PluginMigration[] {
  const seen = new Set(applied);
  return [...list].sort((a, b) => a.version - b.version).filter((migration) => !seen.has(migration.version));
}
