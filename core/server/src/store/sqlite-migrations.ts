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
  {
    version: 2,
    name: 'change tags, device registrations and the push outbox',
    sql: `
      -- Every pass write takes the next value of one global counter: Apple's lastUpdated tag.
      -- Existing passes are numbered in the order they last changed.
      ALTER TABLE passes ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE passes SET change_seq = ranked.seq
        FROM (SELECT serial_number, ROW_NUMBER() OVER (ORDER BY updated_at, serial_number) AS seq FROM passes) AS ranked
        WHERE ranked.serial_number = passes.serial_number;
      CREATE UNIQUE INDEX passes_by_change_seq ON passes (change_seq);

      -- One row. A counter rather than MAX(change_seq) + 1, so a tag is never handed out twice.
      CREATE TABLE pass_change_counter (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        last_value INTEGER NOT NULL
      );
      INSERT INTO pass_change_counter (id, last_value) SELECT 1, COALESCE(MAX(change_seq), 0) FROM passes;

      CREATE TABLE device_registrations (
        device_library_identifier TEXT NOT NULL,
        serial_number TEXT NOT NULL REFERENCES passes (serial_number),
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        pass_type_identifier TEXT NOT NULL,
        push_token TEXT NOT NULL,
        client TEXT NOT NULL CHECK (client IN ('apple', 'android')),
        client_name TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (device_library_identifier, serial_number)
      );
      CREATE INDEX device_registrations_by_serial ON device_registrations (serial_number);
      CREATE INDEX device_registrations_by_token ON device_registrations (push_token, pass_type_identifier);

      CREATE TABLE push_outbox (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        serial_number TEXT NOT NULL REFERENCES passes (serial_number),
        pass_type_identifier TEXT NOT NULL,
        push_token TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'delivered', 'dead')),
        attempts INTEGER NOT NULL,
        available_at TEXT NOT NULL,
        lease_until TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        detail TEXT
      );
      -- At most one waiting push per device and topic: the device fetches every change when it wakes.
      CREATE UNIQUE INDEX push_outbox_one_pending ON push_outbox (push_token, pass_type_identifier) WHERE state = 'pending';
      CREATE INDEX push_outbox_due ON push_outbox (available_at, id) WHERE state IN ('pending', 'leased');
      CREATE INDEX push_outbox_by_serial ON push_outbox (serial_number);
    `,
  },
  {
    version: 3,
    name: 'google object sync state',
    sql: `
      -- Which version of each pass its Google object was last brought to.
      CREATE TABLE google_objects (
        serial_number TEXT NOT NULL PRIMARY KEY REFERENCES passes (serial_number),
        synced_version INTEGER NOT NULL,
        synced_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'google save and delete callbacks',
    sql: `
      -- One row per callback; the nonce makes a redelivered callback count once.
      CREATE TABLE google_callbacks (
        nonce TEXT NOT NULL PRIMARY KEY,
        serial_number TEXT NOT NULL,
        event_type TEXT NOT NULL CHECK (event_type IN ('save', 'del')),
        at TEXT NOT NULL
      );
      CREATE INDEX google_callbacks_by_serial ON google_callbacks (serial_number);
    `,
  },
  {
    version: 5,
    name: 'tenant google identity',
    sql: `
      ALTER TABLE tenants ADD COLUMN google_identity TEXT;
    `,
  },
  {
    version: 6,
    name: 'share page views',
    sql: `
      CREATE TABLE pass_views (
        serial_number TEXT NOT NULL PRIMARY KEY REFERENCES passes (serial_number),
        views INTEGER NOT NULL
      );
    `,
  },
  // Versions 7 and 8 made the shop tables (order_passes, webhook_deliveries, shop_sessions).
  // They belong to the shop plugins now (@passmint/commerce's order store), which make them
  // when missing; databases that ran 7 and 8 keep them as they are.
  // Version 9 changed PostgreSQL only; the numbers stay in step with its migrations.
  {
    version: 10,
    name: 'push attempt times and given-up pushes',
    sql: `
      -- When a push was last tried, retries included (finished_at is only set once it ends), and
      -- whether a dead push was given up rather than ended by APNs saying the device is gone.
      ALTER TABLE push_outbox ADD COLUMN last_attempt_at TEXT;
      ALTER TABLE push_outbox ADD COLUMN gave_up INTEGER NOT NULL DEFAULT 0 CHECK (gave_up IN (0, 1));
      UPDATE push_outbox SET last_attempt_at = finished_at WHERE finished_at IS NOT NULL;
      UPDATE push_outbox SET gave_up = 1 WHERE state = 'dead'
        AND COALESCE(detail, '') NOT LIKE '410 %' AND COALESCE(detail, '') NOT LIKE '400 BadDeviceToken%' AND COALESCE(detail, '') NOT LIKE '400 DeviceTokenNotForTopic%';
      CREATE INDEX IF NOT EXISTS push_outbox_finished ON push_outbox (finished_at) WHERE state IN ('delivered', 'dead');
    `,
  },
  {
    version: 11,
    name: 'events and webhooks',
    sql: `
      -- Written in the transaction of the change they tell of. AUTOINCREMENT: a pruned sequence
      -- number is never handed out again, so a client's cursor never skips a later event.
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        type TEXT NOT NULL,
        serial_number TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX events_tenant ON events (tenant_id, seq);
      CREATE INDEX events_pass ON events (serial_number, seq);
      CREATE INDEX events_created ON events (created_at);

      CREATE TABLE webhook_endpoints (
        id TEXT NOT NULL PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        description TEXT,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        disabled_reason TEXT,
        disabled_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id);
      CREATE TABLE webhook_subscriptions (
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_type TEXT NOT NULL,
        PRIMARY KEY (endpoint_id, event_type)
      );
      -- The durable outbox of webhook deliveries: one row per event and endpoint.
      -- Plain rowids (no AUTOINCREMENT, whose counter row is one more write per row): a reused id
      -- is harmless here, as nothing outlives its row but the attempts, which name the event.
      CREATE TABLE webhook_outbox (
        id INTEGER PRIMARY KEY,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_seq INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        available_at TEXT NOT NULL,
        lease_until TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX webhook_outbox_due ON webhook_outbox (available_at, id) WHERE state IN ('pending', 'leased');
      -- No index on endpoint_id: each one costs every write as much as the rest of its outbox row,
      -- while deleting or disabling an endpoint, which scans without it, is rare.
      CREATE INDEX webhook_outbox_event ON webhook_outbox (event_seq);
      CREATE INDEX webhook_outbox_finished ON webhook_outbox (finished_at) WHERE state IN ('delivered', 'failed');
      CREATE TABLE webhook_attempts (
        id INTEGER PRIMARY KEY,
        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status INTEGER,
        attempted_at TEXT NOT NULL,
        error TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed'))
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
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id TEXT NOT NULL,
        serial_number TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL
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
      -- transaction; the push worker turns it into pushes, a chunk of registrations at a time in
      -- push-token order (after_token is how far it got). One waiting fan-out per pass.
      CREATE TABLE push_fanouts (
        serial_number TEXT NOT NULL PRIMARY KEY REFERENCES passes (serial_number),
        tenant_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        available_at TEXT NOT NULL,
        after_token TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX push_fanouts_due ON push_fanouts (available_at, serial_number);
      -- Covers both the count a change returns and the fan-out's chunks (push-token order).
      CREATE INDEX device_registrations_fan_out ON device_registrations (serial_number, client, push_token, pass_type_identifier);
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
