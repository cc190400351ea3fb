import type { Pool, PoolClient } from 'pg';
import type { Migration } from './sqlite-migrations';

/**
 * The schema for PostgreSQL, one step at a time, mirroring the SQLite migrations version for
 * version. Append only: never edit a migration that has shipped.
 *
 * Times stay ISO-8601 text, as in SQLite: the Store contract hands ISO strings in and compares
 * them, and change tags and `lastUpdated` must round-trip byte for byte. Every text column is
 * COLLATE "C" so that comparisons and ORDER BY go by bytes, as SQLite's do, whatever the
 * database's default collation (en_US would sort ids and punctuation differently). JSON is kept
 * as the text we wrote rather than jsonb, which would reorder keys and reformat numbers.
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE tenants (
        id text COLLATE "C" NOT NULL PRIMARY KEY,
        name text COLLATE "C" NOT NULL UNIQUE,
        monthly_quota integer,
        apple_identity text COLLATE "C",
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL
      );

      CREATE TABLE api_keys (
        id text COLLATE "C" NOT NULL PRIMARY KEY,
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        hash text COLLATE "C" NOT NULL UNIQUE,
        prefix text COLLATE "C" NOT NULL,
        label text COLLATE "C",
        created_at text COLLATE "C" NOT NULL,
        revoked_at text COLLATE "C"
      );
      CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);

      -- Serials are unique across tenants: devices address a pass by serial alone.
      CREATE TABLE passes (
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        serial_number text COLLATE "C" NOT NULL,
        authentication_token text COLLATE "C" NOT NULL,
        body text COLLATE "C" NOT NULL,
        canonical_hash text COLLATE "C" NOT NULL,
        pkpass bytea NOT NULL,
        pass_type_identifier text COLLATE "C" NOT NULL,
        voided boolean NOT NULL,
        version integer NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, serial_number),
        UNIQUE (serial_number)
      );

      CREATE TABLE pass_versions (
        tenant_id text COLLATE "C" NOT NULL,
        serial_number text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        body text COLLATE "C" NOT NULL,
        canonical_hash text COLLATE "C" NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, serial_number, version),
        FOREIGN KEY (tenant_id, serial_number) REFERENCES passes (tenant_id, serial_number)
      );

      CREATE TABLE usage_counters (
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        month text COLLATE "C" NOT NULL,
        used integer NOT NULL,
        PRIMARY KEY (tenant_id, month)
      );

      CREATE TABLE idempotency_records (
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        idempotency_key text COLLATE "C" NOT NULL,
        fingerprint text COLLATE "C" NOT NULL,
        response_serial_number text COLLATE "C" NOT NULL,
        response_warnings text COLLATE "C" NOT NULL,
        response_pkpass bytea NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (tenant_id, idempotency_key)
      );

      CREATE TABLE images (
        hash text COLLATE "C" NOT NULL PRIMARY KEY,
        bytes bytea NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        created_at text COLLATE "C" NOT NULL
      );

      CREATE TABLE image_sources (
        url text COLLATE "C" NOT NULL PRIMARY KEY,
        hash text COLLATE "C" NOT NULL,
        fetched_at text COLLATE "C" NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'change tags, device registrations and the push outbox',
    sql: `
      -- Every pass write takes the next value of one global counter: Apple's lastUpdated tag.
      -- Existing passes are numbered in the order they last changed.
      ALTER TABLE passes ADD COLUMN change_seq bigint NOT NULL DEFAULT 0;
      UPDATE passes SET change_seq = ranked.seq
        FROM (SELECT serial_number, ROW_NUMBER() OVER (ORDER BY updated_at, serial_number) AS seq FROM passes) AS ranked
        WHERE ranked.serial_number = passes.serial_number;
      CREATE UNIQUE INDEX passes_by_change_seq ON passes (change_seq);

      -- One row. Its row lock, taken by UPDATE ... RETURNING in the writing transaction, is what
      -- keeps tags in commit order (see pass-write-sql.ts).
      CREATE TABLE pass_change_counter (
        id integer NOT NULL PRIMARY KEY CHECK (id = 1),
        last_value bigint NOT NULL
      );
      INSERT INTO pass_change_counter (id, last_value) SELECT 1, COALESCE(MAX(change_seq), 0) FROM passes;

      CREATE TABLE device_registrations (
        device_library_identifier text COLLATE "C" NOT NULL,
        serial_number text COLLATE "C" NOT NULL REFERENCES passes (serial_number),
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        pass_type_identifier text COLLATE "C" NOT NULL,
        push_token text COLLATE "C" NOT NULL,
        client text COLLATE "C" NOT NULL CHECK (client IN ('apple', 'android')),
        client_name text COLLATE "C",
        created_at text COLLATE "C" NOT NULL,
        updated_at text COLLATE "C" NOT NULL,
        PRIMARY KEY (device_library_identifier, serial_number)
      );
      CREATE INDEX device_registrations_by_serial ON device_registrations (serial_number);
      CREATE INDEX device_registrations_by_token ON device_registrations (push_token, pass_type_identifier);
      CREATE INDEX device_registrations_by_tenant ON device_registrations (tenant_id, created_at);

      CREATE TABLE push_outbox (
        id text COLLATE "C" NOT NULL PRIMARY KEY,
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        serial_number text COLLATE "C" NOT NULL REFERENCES passes (serial_number),
        pass_type_identifier text COLLATE "C" NOT NULL,
        push_token text COLLATE "C" NOT NULL,
        state text COLLATE "C" NOT NULL CHECK (state IN ('pending', 'leased', 'delivered', 'dead')),
        attempts integer NOT NULL,
        available_at text COLLATE "C" NOT NULL,
        lease_until text COLLATE "C",
        created_at text COLLATE "C" NOT NULL,
        finished_at text COLLATE "C",
        detail text COLLATE "C"
      );
      -- At most one waiting push per device and topic: the device fetches every change when it wakes.
      CREATE UNIQUE INDEX push_outbox_one_pending ON push_outbox (push_token, pass_type_identifier) WHERE state = 'pending';
      CREATE INDEX push_outbox_due ON push_outbox (available_at, id) WHERE state IN ('pending', 'leased');
      CREATE INDEX push_outbox_by_serial ON push_outbox (serial_number);
      CREATE INDEX push_outbox_finished ON push_outbox (finished_at) WHERE state IN ('delivered', 'dead');
    `,
  },
  {
    version: 3,
    name: 'google object sync state',
    sql: `
      -- Which version of each pass its Google object was last brought to.
      CREATE TABLE google_objects (
        serial_number text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES passes (serial_number),
        synced_version integer NOT NULL,
        synced_at text COLLATE "C" NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'google save and delete callbacks',
    sql: `
      -- One row per callback; the nonce makes a redelivered callback count once.
      CREATE TABLE google_callbacks (
        nonce text COLLATE "C" NOT NULL PRIMARY KEY,
        serial_number text COLLATE "C" NOT NULL,
        event_type text COLLATE "C" NOT NULL CHECK (event_type IN ('save', 'del')),
        at text COLLATE "C" NOT NULL
      );
      CREATE INDEX google_callbacks_by_serial ON google_callbacks (serial_number);
    `,
  },
  {
    version: 5,
    name: 'tenant google identity',
    sql: `
      ALTER TABLE tenants ADD COLUMN google_identity text COLLATE "C";
    `,
  },
  {
    version: 6,
    name: 'share page views',
    sql: `
      CREATE TABLE pass_views (
        serial_number text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES passes (serial_number),
        views integer NOT NULL
      );
    `,
  },
  // Versions 7 and 8 made the shop tables (order_passes, webhook_deliveries, shop_sessions).
  // They belong to the shop plugins now (@passmint/commerce's order store), which make them
  // when missing; databases that ran 7 and 8 keep them as they are.
  {
    version: 9,
    name: 'cheaper pass updates',
    sql: `
      -- No query looks a pass up by its change tag, and the counter hands each tag out once; the
      -- index only made every update write a new entry in each of the table's indexes. Without
      -- it, an update that finds room on its page is a heap-only (HOT) update.
      DROP INDEX passes_by_change_seq;
      ALTER TABLE passes SET (fillfactor = 80);
      -- A .pkpass is a zip of PNGs: trying to compress it again only costs CPU on every write.
      ALTER TABLE passes ALTER COLUMN pkpass SET STORAGE EXTERNAL;
      ALTER TABLE idempotency_records ALTER COLUMN response_pkpass SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 10,
    name: 'push attempt times and given-up pushes',
    sql: `
      -- When a push was last tried, retries included (finished_at is only set once it ends), and
      -- whether a dead push was given up rather than ended by APNs saying the device is gone.
      ALTER TABLE push_outbox ADD COLUMN last_attempt_at text COLLATE "C", ADD COLUMN gave_up boolean NOT NULL DEFAULT false;
      UPDATE push_outbox SET last_attempt_at = finished_at WHERE finished_at IS NOT NULL;
      UPDATE push_outbox SET gave_up = true WHERE state = 'dead'
        AND COALESCE(detail, '') NOT LIKE '410 %' AND COALESCE(detail, '') NOT LIKE '400 BadDeviceToken%' AND COALESCE(detail, '') NOT LIKE '400 DeviceTokenNotForTopic%';
    `,
  },
  {
    version: 11,
    name: 'events and webhooks',
    sql: `
      -- tx is the writing transaction: listings show only events of transactions older than every
      -- one still running (pg_snapshot_xmin), in (tx, seq) order, so an event committed late can
      -- never land behind a cursor a client already holds. A sequence alone would allow that.
      CREATE TABLE events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        type text COLLATE "C" NOT NULL,
        serial_number text COLLATE "C" NOT NULL,
        data text COLLATE "C" NOT NULL,
        created_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX events_tenant ON events (tenant_id, tx, seq);
      CREATE INDEX events_pass ON events (serial_number, seq);
      CREATE INDEX events_created ON events (created_at);

      CREATE TABLE webhook_endpoints (
        id text COLLATE "C" NOT NULL PRIMARY KEY,
        tenant_id text COLLATE "C" NOT NULL REFERENCES tenants (id),
        url text COLLATE "C" NOT NULL,
        secret text COLLATE "C" NOT NULL,
        description text COLLATE "C",
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text COLLATE "C",
        disabled_at text COLLATE "C",
        created_at text COLLATE "C" NOT NULL
      );
      CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id);
      CREATE TABLE webhook_subscriptions (
        endpoint_id text COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_type text COLLATE "C" NOT NULL,
        PRIMARY KEY (endpoint_id, event_type)
      );
      CREATE TABLE webhook_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id text COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_seq bigint NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
        state text COLLATE "C" NOT NULL CHECK (state IN ('pending', 'leased', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        available_at text COLLATE "C" NOT NULL,
        lease_until text COLLATE "C",
        created_at text COLLATE "C" NOT NULL,
        finished_at text COLLATE "C"
      );
      CREATE INDEX webhook_outbox_due ON webhook_outbox (available_at, id) WHERE state IN ('pending', 'leased');
      -- No index on endpoint_id: each one costs every write as much as the rest of its outbox row,
      -- while deleting or disabling an endpoint, which scans without it, is rare.
      CREATE INDEX webhook_outbox_event ON webhook_outbox (event_seq);
      CREATE INDEX webhook_outbox_finished ON webhook_outbox (finished_at) WHERE state IN ('delivered', 'failed');
      CREATE TABLE webhook_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id text COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id text COLLATE "C" NOT NULL,
        type text COLLATE "C" NOT NULL,
        attempt integer NOT NULL,
        status integer,
        attempted_at text COLLATE "C" NOT NULL,
        error text COLLATE "C",
        outcome text COLLATE "C" NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed'))
      );
      CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
      CREATE INDEX webhook_attempts_time ON webhook_attempts (attempted_at);
    `,
  },
  {
    version: 12,
    name: 'pass activity for the timeline',
    sql: `
      -- What happened on the wire for a pass (pushes, web-service calls, device logs, Google), for
      -- GET /api/passes/<serial>/timeline. A diagnostic log: written in batches, pruned by age.
      CREATE TABLE pass_activity (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id text COLLATE "C" NOT NULL,
        serial_number text COLLATE "C" NOT NULL,
        at text COLLATE "C" NOT NULL,
        kind text COLLATE "C" NOT NULL,
        detail text NOT NULL
      );
      CREATE INDEX pass_activity_by_serial ON pass_activity (serial_number, id);
      CREATE INDEX pass_activity_by_time ON pass_activity (at);
    `,
  },
  {
    version: 13,
    name: 'push fan-outs queued by a change, expanded by the push worker',
    sql: `
      -- A change queues one row for its pass here instead of one push per device in its own
      -- transaction; the push workers turn it into pushes, a chunk of registrations at a time in
      -- push-token order (after_token is how far they got). One waiting fan-out per pass.
      CREATE TABLE push_fanouts (
        serial_number text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES passes (serial_number),
        tenant_id text COLLATE "C" NOT NULL,
        created_at text COLLATE "C" NOT NULL,
        available_at text COLLATE "C" NOT NULL,
        after_token text COLLATE "C" NOT NULL DEFAULT ''
      );
      CREATE INDEX push_fanouts_due ON push_fanouts (available_at, serial_number);
      -- Covers both the count a change returns and the fan-out's chunks (push-token order).
      CREATE INDEX device_registrations_fan_out ON device_registrations (serial_number, client, push_token, pass_type_identifier);
    `,
  },
];

export interface PostgresMigrateOptions {
  /** Created when missing; the pool's connections must already have it as their search_path. */
  schema?: string;
  list?: readonly Migration[];
}

/**
 * Applies the migrations the database has not seen yet, all in one transaction, and returns
 * their versions (empty when the schema is current). A failing migration rolls back the run.
 */
export async function migratePostgres(pool: Pool, options: PostgresMigrateOptions = {}): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const applied = await applyMissing(client, options);
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}

async function applyMissing(client: PoolClient, options: PostgresMigrateOptions): Promise<number[]> {
  // Held to commit: a second process starting at the same moment waits here, then finds the
  // migrations recorded. Keyed by schema so that separate schemas migrate independently.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`passmint.migrate:${options.schema ?? ''}`]);
  if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, applied_at text NOT NULL)');
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  const missing = [...(options.list ?? postgresMigrations)]
    .sort((a, b) => a.version - b.version)
    .filter((migration) => !applied.has(migration.version));
  for (const migration of missing) {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
      migration.version,
      new Date().toISOString(),
    ]);
  }
  return missing.map((migration) => migration.version);
}

/** A schema name as an SQL identifier, double-quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
