import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema, one step at a time. Append only: never edit a migration that has shipped.
 * Types are kept to TEXT (ISO times, JSON), BLOB (bytes) and INTEGER so the same layout maps
 * directly onto PostgreSQL.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE tenants (
        id TEXT NOT NULL PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        monthly_quota INTEGER,
        apple_identity TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE api_keys (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        label TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);

      -- Serials are unique across tenants: devices address a pass by serial alone.
      CREATE TABLE passes (
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        serial_number TEXT NOT NULL,
        authentication_token TEXT NOT NULL,
        body TEXT NOT NULL,
        canonical_hash TEXT NOT NULL,
        pkpass BLOB NOT NULL,
        pass_type_identifier TEXT NOT NULL,
        voided INTEGER NOT NULL CHECK (voided IN (0, 1)),
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, serial_number),
        UNIQUE (serial_number)
      );

      CREATE TABLE pass_versions (
        tenant_id TEXT NOT NULL,
        serial_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        canonical_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, serial_number, version),
        FOREIGN KEY (tenant_id, serial_number) REFERENCES passes (tenant_id, serial_number)
      );

      CREATE TABLE usage_counters (
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        month TEXT NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, month)
      );

      CREATE TABLE idempotency_records (
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        idempotency_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        response_serial_number TEXT NOT NULL,
        response_warnings TEXT NOT NULL,
        response_pkpass BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, idempotency_key)
      );

      CREATE TABLE images (
        hash TEXT NOT NULL PRIMARY KEY,
        bytes BLOB NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );

      CREATE TABLE image_sources (
        url TEXT NOT NULL PRIMARY KEY,
        hash TEXT NOT NULL,
        fetched_at TEXT NOT NULL
      );
    `,
  },
];

/**
 * Applies the migrations the database has not seen yet, all in one transaction, and returns
 * their versions (empty when the schema is current).
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  // IMMEDIATE takes the write lock before reading schema_migrations, so two processes starting
  // together cannot both decide the same migration is missing.
  return db.transaction(() => applyMissing(db, list)).immediate();
}

function applyMissing(db: Database.Database, list: readonly Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  const missing = [...list].sort((a, b) => a.version - b.version).filter((migration) => !applied.has(migration.version));
  for (const migration of missing) {
    db.exec(migration.sql);
    record.run(migration.version, new Date().toISOString());
  }
  return missing.map((migration) => migration.version);
}
