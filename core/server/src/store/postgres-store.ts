import { createHash } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import {
  GOOGLE_SYNC_TOPIC,
  googleSyncToken,
  PassmintError,
  StoreConflictError,
  type ApiKeyRecord,
  type DeviceClient,
  type IdempotencyRecord,
  type InsertPassResult,
  type Installation,
  type NewIdempotency,
  type NewPass,
  type NewRegistration,
  type NewTenant,
  type PassRecord,
  type PassUpdate,
  type PushOutcome,
  type PushSummary,
  type SecretBox,
  type TenantPatch,
  type TenantRecord,
  type UpdatePassResult,
  type WriteOptions,
} from '@passmint/engine';
import { orderPassFromRow, type OrderPassRow } from '@passmint/commerce';
import { migratePostgres } from './postgres-migrations';
import { postgresSecretCells } from './postgres-secret-cells';
import { secretSealer, SHOP_SESSION_COLUMN, type SecretColumn, type SqlStore } from './secret-columns';
import {
  API_KEY_COLUMNS,
  IDEMPOTENCY_COLUMNS,
  PASS_COLUMNS,
  PASS_HEAD_COLUMNS,
  PUSH_JOB_COLUMNS,
  REGISTRATION_COLUMNS,
  TENANT_COLUMNS,
  toApiKey,
  toIdempotency,
  dropUnwantedPushSql,
  lastGivenUpSql,
  outboxHealthSql,
  toOutboxHealth,
  toPass,
  toPassHead,
  toPassVersion,
  toPushJob,
  tenantRow,
  toTenant,
  type ApiKeyRow,
  type IdempotencyRow,
  type ImageRow,
  type ImageSourceRow,
  type GivenUpRow,
  type OutboxHealthRow,
  type PassRow,
  type PassVersionRow,
  type PushRow,
  type TenantRow,
  type TokenTopicRow,
} from './store-rows';

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

/** Anything that runs a query: the pool, or one client inside a transaction. */
type Queryable = Pick<PoolClient, 'query'>;

/**
 * The Store port on PostgreSQL, for several server processes sharing one database. Call
 * `migrate()` before anything else.
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
  const secrets = secretSealer(options.secrets);

  async function readTenant(db: Queryable, id: string): Promise<TenantRecord | null> {
    const { rows } = await db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [id]);
    return rows[0] ? toTenant(rows[0], secrets) : null;
  }

  async function readTenantByName(db: Queryable, name: string): Promise<TenantRecord | null> {
    const { rows } = await db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE name = $1`, [name]);
    return rows[0] ? toTenant(rows[0], secrets) : null;
  }

  async function readPass(db: Queryable, tenantId: string, serialNumber: string): Promise<PassRecord | null> {
    const { rows } = await db.query<PassRow>(`SELECT ${PASS_COLUMNS} FROM passes WHERE tenant_id = $1 AND serial_number = $2`, [
      tenantId,
      serialNumber,
    ]);
    return rows[0] ? toPass(rows[0]) : null;
  }

  async function readIdempotency(db: Queryable, tenantId: string, key: string, notBefore: string): Promise<IdempotencyRecord | null> {
    const { rows } = await db.query<IdempotencyRow>(
      `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency_records WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at >= $3`,
      [tenantId, key, notBefore],
    );
    return rows[0] ? toIdempotency(rows[0]) : null;
  }

  async function readUsage(db: Queryable, tenantId: string, month: string): Promise<number> {
    const { rows } = await db.query<{ used: number }>('SELECT used FROM usage_counters WHERE tenant_id = $1 AND month = $2', [
      tenantId,
      month,
    ]);
    return rows[0]?.used ?? 0;
  }

  /**
   * The number already used when this write would go over the quota, else null. The advisory
   * lock, held to commit, makes the check and the count one step: a second writer of the same
   * tenant and month waits here and then reads the count this one committed.
   */
  async function quotaExceeded(db: Queryable, tenantId: string, options: WriteOptions): Promise<number | null> {
    if (!needsQuotaLock(options)) return null;
    await lockKey(db, `passmint.quota:${tenantId}:${options.month}`);
    const used = await readUsage(db, tenantId, options.month);
    return used >= options.quota ? used : null;
  }

  /**
   * The last statement of a new pass's write: takes the next change tag (see NEXT_TAG), writes the
   * pass row and its version row with it, and counts the write. Anything else the write does
   * comes before this, so the counter's row lock (and the tenant's usage row's) is held for this
   * statement and the commit only. Returns the tag, or null when the serial is taken.
   */
  async function writeNewPassRow(db: Queryable, pass: Omit<PassRecord, 'changeTag'>, options: WriteOptions): Promise<string | null> {
    const { rows } = await db.query<{ change_seq: string }>(INSERT_PASS_ROW, [...passRowParams(pass), options.month, counts(options)]);
    return rows[0]?.change_seq ?? null;
  }

  async function queueGoogle(db: Queryable, tenantId: string, serialNumber: string, at: string, createdAt = at): Promise<void> {
    await db.query(
      `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at)
        VALUES (gen_random_uuid()::text, $1, $2, $3, $4, 'pending', 0, $5, $6)
        ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending' DO NOTHING`,
      [tenantId, serialNumber, GOOGLE_SYNC_TOPIC, googleSyncToken(serialNumber), at, createdAt],
    );
  }

  async function writeIdempotency(db: Queryable, tenantId: string, idempotency: NewIdempotency): Promise<void> {
    // Only reached when no fresh record exists, so a conflict here means an expired one.
    await db.query(
      `INSERT INTO idempotency_records (${IDEMPOTENCY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET
          fingerprint = excluded.fingerprint, response_serial_number = excluded.response_serial_number,
          response_warnings = excluded.response_warnings, response_pkpass = excluded.response_pkpass,
          created_at = excluded.created_at`,
      [
        tenantId,
        idempotency.key,
        idempotency.fingerprint,
        idempotency.response.serialNumber,
        JSON.stringify(idempotency.response.warnings),
        idempotency.response.pkpass,
        idempotency.createdAt,
      ],
    );
  }

  async function writeNewPass(
    db: Queryable,
    pass: NewPass,
    options: WriteOptions & { idempotency?: NewIdempotency },
  ): Promise<InsertPassResult> {
    const { idempotency } = options;
    if (idempotency) {
      // Two requests with one key must not both miss the record and both insert.
      await lockKey(db, `passmint.idempotency:${pass.tenantId}:${idempotency.key}`);
      const existing = await readIdempotency(db, pass.tenantId, idempotency.key, idempotency.notBefore);
      if (existing) return { ok: false, reason: 'idempotency_exists', existing };
    }
    if (needsQuotaLock(options)) {
      // A taken serial is reported before a spent quota.
      const taken = await db.query('SELECT 1 FROM passes WHERE serial_number = $1', [pass.serialNumber]);
      if (taken.rowCount) return { ok: false, reason: 'serial_taken' };
      const used = await quotaExceeded(db, pass.tenantId, options);
      if (used !== null) return { ok: false, reason: 'quota_exceeded', used };
    }
    const record = { ...pass, version: 1, updatedAt: pass.createdAt };
    const changeTag = await writeNewPassRow(db, record, options);
    if (changeTag === null) return { ok: false, reason: 'serial_taken' };
    // After the pass row, so a serial that was taken leaves no record pointing at it.
    if (idempotency) await writeIdempotency(db, pass.tenantId, idempotency);
    return { ok: true, pass: { ...record, changeTag } };
  }

  /**
   * A whole update in one statement (UPDATE_PASS): in autocommit it is its own transaction, and
   * only a tenant with a quota needs an explicit one, for the quota check's lock.
   */
  async function writeUpdate(db: Queryable, update: PassUpdate, options: WriteOptions): Promise<UpdatePassResult> {
    const used = await quotaExceeded(db, update.tenantId, options);
    if (used !== null) return { ok: false, reason: 'quota_exceeded', used };
    const queueAt = options.queueAt ?? update.updatedAt;
    const { rows } = await db.query<UpdatedPassRow>(UPDATE_PASS, [
      update.tenantId,
      update.serialNumber,
      update.expectedVersion,
      JSON.stringify(update.body),
      update.canonicalHash,
      update.pkpass,
      update.passTypeIdentifier,
      update.voided,
      update.updatedAt,
      queueAt,
      options.month,
      counts(options),
      options.syncGoogle === true,
      GOOGLE_SYNC_TOPIC,
      googleSyncToken(update.serialNumber),
    ]);
    const row = rows[0];
    if (!row) return { ok: false, reason: 'not_found' };
    if (row.change_seq === null) return { ok: false, reason: 'version_conflict' };
    const { expectedVersion: _read, ...written } = update;
    const pass = {
      ...written,
      authenticationToken: row.authentication_token,
      createdAt: row.created_at,
      version: update.expectedVersion + 1,
      changeTag: row.change_seq,
    };
    return { ok: true, pass, queuedPushes: row.registrations };
  }

  /*
   * Coalescing choice, as in SQLite: when another push to the same token and topic is already
   * pending, this row is merged into it (due no later than this retry, taking this row's error as
   * its detail when it has none) and deleted, since that push wakes the same device. A push that
   * has already finished stays finished.
   */
  async function writeRetry(
    db: Queryable,
    id: string,
    retry: { availableAt: string; detail: string; attemptedAt?: string },
  ): Promise<void> {
    const { rows } = await db.query<TokenTopicRow>(
      `SELECT push_token, pass_type_identifier FROM push_outbox WHERE id = $1 AND state IN ('pending', 'leased') FOR UPDATE`,
      [id],
    );
    const row = rows[0];
    if (!row) return;
    const waiting = await db.query<{ id: string }>(
      `SELECT id FROM push_outbox WHERE push_token = $1 AND pass_type_identifier = $2 AND state = 'pending' AND id <> $3 FOR UPDATE`,
      [row.push_token, row.pass_type_identifier, id],
    );
    const into = waiting.rows[0];
    if (into) {
      await db.query(
        `UPDATE push_outbox SET available_at = LEAST(available_at, $2), detail = COALESCE(detail, $3), last_attempt_at = GREATEST(last_attempt_at, $4)
          WHERE id = $1`,
        [into.id, retry.availableAt, retry.detail, retry.attemptedAt ?? null],
      );
      await db.query('DELETE FROM push_outbox WHERE id = $1', [id]);
      return;
    }
    await db.query(
      `UPDATE push_outbox SET state = 'pending', available_at = $2, lease_until = NULL, detail = $3, last_attempt_at = COALESCE($4, last_attempt_at)
        WHERE id = $1`,
      [id, retry.availableAt, retry.detail, retry.attemptedAt ?? null],
    );
  }

  async function dropUnwantedPush(db: Queryable, pushToken: string, passTypeIdentifier: string): Promise<void> {
    await db.query(dropUnwantedPushSql('$1', '$2'), [pushToken, passTypeIdentifier]);
  }

  async function transaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(pool, work);
  }

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

    async createTenant(tenant: NewTenant) {
      const record: TenantRecord = { ...tenant, updatedAt: tenant.createdAt };
      try {
        await pool.query(
          `INSERT INTO tenants (${TENANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          tenantParams(tenantRow(record, secrets)),
        );
      } catch (error) {
        if (violates(error, 'tenants_pkey')) throw new StoreConflictError(`A tenant with id '${tenant.id}' already exists.`);
        if (violates(error, 'tenants_name_key')) throw new StoreConflictError(`A tenant named '${tenant.name}' already exists.`);
        throw error;
      }
      return record;
    },
    async findTenant(idOrName) {
      return (await readTenant(pool, idOrName)) ?? (await readTenantByName(pool, idOrName));
    },
    async listTenants() {
      const { rows } = await pool.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, id`);
      return rows.map((row) => toTenant(row, secrets));
    },
    async updateTenant(id: string, patch: TenantPatch) {
      try {
        return await transaction(async (db) => {
          const { rows } = await db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1 FOR UPDATE`, [id]);
          const current = rows[0] ? toTenant(rows[0], secrets) : null;
          if (!current) return null;
          const next: TenantRecord = {
            ...current,
            name: patch.name ?? current.name,
            monthlyQuota: patch.monthlyQuota === undefined ? current.monthlyQuota : patch.monthlyQuota,
            appleIdentity: patch.appleIdentity === undefined ? current.appleIdentity : patch.appleIdentity,
            googleIdentity: patch.googleIdentity === undefined ? (current.googleIdentity ?? null) : patch.googleIdentity,
            updatedAt: patch.updatedAt,
          };
          const [, name, monthlyQuota, appleIdentity, googleIdentity] = tenantParams(tenantRow(next, secrets));
          await db.query(
            'UPDATE tenants SET name = $2, monthly_quota = $3, apple_identity = $4, google_identity = $5, updated_at = $6 WHERE id = $1',
            [id, name, monthlyQuota, appleIdentity, googleIdentity, next.updatedAt],
          );
          return (await readTenant(db, id)) ?? next;
        });
      } catch (error) {
        if (violates(error, 'tenants_name_key')) throw new StoreConflictError(`A tenant named '${patch.name ?? ''}' already exists.`);
        throw error;
      }
    },

    async createApiKey(key) {
      const record: ApiKeyRecord = { ...key, revokedAt: null };
      try {
        await pool.query(`INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          record.id,
          record.tenantId,
          record.hash,
          record.prefix,
          record.label,
          record.createdAt,
          record.revokedAt,
        ]);
      } catch (error) {
        if (violates(error, 'api_keys_pkey') || violates(error, 'api_keys_hash_key')) {
          throw new StoreConflictError('An API key with this id or hash already exists.');
        }
        throw error;
      }
      return record;
    },
    async findApiKeyByHash(hash) {
      const { rows } = await pool.query<ApiKeyRow & PrefixedTenantRow>(
        `SELECT ${API_KEY_COLUMNS.split(', ')
          .map((column) => `k.${column}`)
          .join(', ')},
            t.id AS t_id, t.name AS t_name, t.monthly_quota AS t_monthly_quota, t.apple_identity AS t_apple_identity,
            t.google_identity AS t_google_identity, t.created_at AS t_created_at, t.updated_at AS t_updated_at
          FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = $1`,
        [hash],
      );
      const row = rows[0];
      return row ? { key: toApiKey(row), tenant: toTenant(unprefixTenant(row), secrets) } : null;
    },
    async listApiKeys(tenantId) {
      const { rows } = await pool.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, [
        tenantId,
      ]);
      return rows.map(toApiKey);
    },
    async revokeApiKey(id, revokedAt) {
      const result = await pool.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1', [id, revokedAt]);
      return (result.rowCount ?? 0) > 0;
    },

    async findPass(tenantId, serialNumber) {
      return readPass(pool, tenantId, serialNumber);
    },
    async findPassHead(tenantId, serialNumber) {
      const { rows } = await pool.query<Omit<PassRow, 'pkpass'>>(
        `SELECT ${PASS_HEAD_COLUMNS} FROM passes WHERE tenant_id = $1 AND serial_number = $2`,
        [tenantId, serialNumber],
      );
      return rows[0] ? toPassHead(rows[0]) : null;
    },
    async insertPass(pass, options) {
      try {
        // Without an idempotency key or a quota there is nothing to lock first: one statement, in autocommit.
        if (options.idempotency === undefined && !needsQuotaLock(options)) return await writeNewPass(pool, pass, options);
        return await transaction((db) => writeNewPass(db, pass, options));
      } catch (error) {
        // Another process inserted the serial between our check and our insert.
        if (violates(error, 'passes_pkey') || violates(error, 'passes_serial_number_key')) return { ok: false, reason: 'serial_taken' };
        throw error;
      }
    },
    async updatePass(update, options) {
      return needsQuotaLock(options) ? transaction((db) => writeUpdate(db, update, options)) : writeUpdate(pool, update, options);
    },
    async listPassVersions(tenantId, serialNumber) {
      const { rows } = await pool.query<PassVersionRow>(
        `SELECT tenant_id, serial_number, version, body, canonical_hash, created_at FROM pass_versions
          WHERE tenant_id = $1 AND serial_number = $2 ORDER BY version`,
        [tenantId, serialNumber],
      );
      return rows.map(toPassVersion);
    },
    async findPassBySerial(serialNumber) {
      const { rows } = await pool.query<PassRow>(`SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number = $1`, [serialNumber]);
      return rows[0] ? toPass(rows[0]) : null;
    },

    async registerDevice(registration) {
      // xmax is 0 only on a row version this statement inserted; an updated row carries our xid.
      const { rows } = await pool.query<{ inserted: boolean }>(
        `INSERT INTO device_registrations (${REGISTRATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
          ON CONFLICT (device_library_identifier, serial_number) DO UPDATE
            SET push_token = excluded.push_token, client = excluded.client, client_name = excluded.client_name, updated_at = excluded.updated_at
          RETURNING (xmax = 0) AS inserted`,
        registrationParams(registration),
      );
      return rows[0]?.inserted ? 'created' : 'existing';
    },
    async unregisterDevice(deviceLibraryIdentifier, serialNumber) {
      return transaction(async (db) => {
        const { rows } = await db.query<TokenTopicRow>(
          `DELETE FROM device_registrations WHERE device_library_identifier = $1 AND serial_number = $2
            RETURNING push_token, pass_type_identifier`,
          [deviceLibraryIdentifier, serialNumber],
        );
        if (rows[0]) await dropUnwantedPush(db, rows[0].push_token, rows[0].pass_type_identifier);
        return rows.length > 0;
      });
    },
    async listUpdatedSerials(deviceLibraryIdentifier, passTypeIdentifier, since) {
      const { rows } = await pool.query<{ serial_number: string; change_seq: string }>(
        `SELECT p.serial_number, p.change_seq
          FROM device_registrations r JOIN passes p ON p.serial_number = r.serial_number
          WHERE r.device_library_identifier = $1 AND r.pass_type_identifier = $2 AND p.change_seq > $3`,
        [deviceLibraryIdentifier, passTypeIdentifier, changeSeqOf(since)],
      );
      if (rows.length === 0) return null;
      // Tags are compared as integers (a string comparison would put '10' before '9').
      const lastUpdated = rows.reduce((highest, row) => (BigInt(row.change_seq) > highest ? BigInt(row.change_seq) : highest), 0n);
      return { serialNumbers: rows.map((row) => row.serial_number).sort(), lastUpdated: String(lastUpdated) };
    },
    async countRegistrations(serialNumber) {
      const counts: Record<DeviceClient, number> = { apple: 0, android: 0 };
      const { rows } = await pool.query<{ client: DeviceClient; registrations: number }>(
        `SELECT client, COUNT(*)::integer AS registrations FROM device_registrations WHERE serial_number = $1 GROUP BY client`,
        [serialNumber],
      );
      for (const row of rows) counts[row.client] = row.registrations;
      return counts;
    },
    async removeRegistrations(pushToken, passTypeIdentifier, registeredBefore) {
      return transaction(async (db) => {
        const result = await db.query(
          'DELETE FROM device_registrations WHERE push_token = $1 AND pass_type_identifier = $2 AND updated_at < $3',
          [pushToken, passTypeIdentifier, registeredBefore],
        );
        await dropUnwantedPush(db, pushToken, passTypeIdentifier);
        return result.rowCount ?? 0;
      });
    },

    async claimPushes(options) {
      if (options.limit < 1) return [];
      // SKIP LOCKED: processes claiming at once each take different rows instead of queueing
      // behind one another; a row another claimer holds is theirs to lease.
      const { rows } = await pool.query<PushRow & { available_at: string }>(
        `WITH due AS (
            SELECT id FROM push_outbox
            WHERE state IN ('pending', 'leased')
              AND ((state = 'pending' AND available_at <= $1) OR (state = 'leased' AND lease_until < $1))
            ORDER BY available_at, id
            LIMIT $3
            FOR UPDATE SKIP LOCKED
          )
          UPDATE push_outbox o SET state = 'leased', lease_until = $2, attempts = o.attempts + 1
          FROM due WHERE o.id = due.id
          RETURNING ${PUSH_JOB_COLUMNS.split(', ')
            .map((column) => `o.${column}`)
            .join(', ')}, o.available_at`,
        [options.now, options.leaseUntil, Math.floor(options.limit)],
      );
      // RETURNING follows no order; hand the jobs out in the order they became due.
      return rows.sort(byDueOrder).map(toPushJob);
    },
    async finishPushes(outcomes: PushOutcome[]) {
      if (outcomes.length === 0) return;
      await pool.query(
        `UPDATE push_outbox o SET state = f.state, finished_at = f.at, last_attempt_at = f.at, lease_until = NULL, detail = f.detail, gave_up = f.gave_up
          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS f (id, state, at, detail, gave_up)
          WHERE o.id = f.id`,
        [
          outcomes.map((o) => o.id),
          outcomes.map((o) => o.state),
          outcomes.map((o) => o.at),
          outcomes.map((o) => o.detail),
          outcomes.map((o) => o.givenUp === true),
        ],
      );
    },
    async retryPush(id, retry) {
      for (let attempt = 1; ; attempt++) {
        try {
          await transaction((db) => writeRetry(db, id, retry));
          return;
        } catch (error) {
          // A change queued a pending push for this token between our lookup and our update;
          // running again finds it and merges into it.
          if (attempt >= 3 || !violates(error, 'push_outbox_one_pending')) throw error;
        }
      }
    },
    async queueGoogleSync(tenantId, serialNumber, at) {
      await queueGoogle(pool, tenantId, serialNumber, at);
    },
    async googleSyncedVersion(serialNumber) {
      const { rows } = await pool.query<{ synced_version: number }>('SELECT synced_version FROM google_objects WHERE serial_number = $1', [
        serialNumber,
      ]);
      return rows[0]?.synced_version ?? null;
    },
    async markGoogleSynced(serialNumber, version, at) {
      // Never moves back: a slow sync of an older version must not undo a newer one's record.
      await pool.query(
        `INSERT INTO google_objects (serial_number, synced_version, synced_at) VALUES ($1, $2, $3)
          ON CONFLICT (serial_number) DO UPDATE SET synced_version = excluded.synced_version, synced_at = excluded.synced_at
          WHERE excluded.synced_version > google_objects.synced_version`,
        [serialNumber, version, at],
      );
    },
    async recordGoogleCallback(event) {
      const result = await pool.query(
        `INSERT INTO google_callbacks (nonce, serial_number, event_type, at) VALUES ($1, $2, $3, $4) ON CONFLICT (nonce) DO NOTHING`,
        [event.nonce, event.serialNumber, event.eventType, event.at],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async countGoogleHolders(serialNumber) {
      const { rows } = await pool.query<{ holders: number }>(
        `SELECT COALESCE(SUM(CASE WHEN event_type = 'save' THEN 1 ELSE -1 END), 0)::integer AS holders FROM google_callbacks WHERE serial_number = $1`,
        [serialNumber],
      );
      return Math.max(0, rows[0]?.holders ?? 0);
    },
    async listInstallations(tenantId, limit) {
      const { rows } = await pool.query<{ id: string; serial_number: string; wallet: Installation['wallet']; installed_at: string }>(
        `SELECT id, serial_number, wallet, installed_at FROM (
            SELECT client || ':' || device_library_identifier || ':' || serial_number AS id, serial_number, client AS wallet, created_at AS installed_at
              FROM device_registrations WHERE tenant_id = $1
            UNION ALL
            SELECT 'google:' || c.nonce AS id, c.serial_number, 'google' AS wallet, c.at AS installed_at
              FROM google_callbacks c JOIN passes p ON p.serial_number = c.serial_number
              WHERE p.tenant_id = $1 AND c.event_type = 'save'
          ) AS installations
          ORDER BY installed_at COLLATE "C" DESC, id COLLATE "C"
          LIMIT $2`,
        [tenantId, Math.max(0, Math.min(limit, 1000))],
      );
      return rows.map((row) => ({ id: row.id, serialNumber: row.serial_number, wallet: row.wallet, installedAt: row.installed_at }));
    },
    async recordPassView(serialNumber) {
      await pool.query(
        `INSERT INTO pass_views (serial_number, views) VALUES ($1, 1) ON CONFLICT (serial_number) DO UPDATE SET views = pass_views.views + 1`,
        [serialNumber],
      );
    },
    async countPassViews(serialNumber) {
      const { rows } = await pool.query<{ views: number }>('SELECT views FROM pass_views WHERE serial_number = $1', [serialNumber]);
      return rows[0]?.views ?? 0;
    },
    async prunePushes(finishedBefore) {
      const result = await pool.query(`DELETE FROM push_outbox WHERE state IN ('delivered', 'dead') AND finished_at < $1`, [
        finishedBefore,
      ]);
      return result.rowCount ?? 0;
    },
    async outboxHealth(now, givenUpSince) {
      const [counts, last] = await Promise.all([
        pool.query<OutboxHealthRow>(outboxHealthSql('$1', '$2', '$3'), [now, GOOGLE_SYNC_TOPIC, givenUpSince]),
        pool.query<GivenUpRow>(lastGivenUpSql('$1'), [givenUpSince]),
      ]);
      return toOutboxHealth(counts.rows[0] as OutboxHealthRow, last.rows[0]);
    },
    async listPassesAfter(afterSerial, limit) {
      const { rows } = await pool.query<PassRow>(
        `SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number > $1 ORDER BY serial_number LIMIT $2`,
        [afterSerial ?? '', limit],
      );
      return rows.map(toPass);
    },
    async pushSummary(serialNumber): Promise<PushSummary> {
      // One statement, so the counts and the error come from the same snapshot. Delivered and
      // failed count only pushes queued since the pass last changed; pending counts all. The
      // error is the latest dead push's, else the latest retry reason of a push still waiting.
      const { rows } = await pool.query<PushCountsRow>(
        `SELECT
            COUNT(CASE WHEN o.state IN ('pending', 'leased') THEN 1 END)::integer AS pending,
            COUNT(CASE WHEN o.state = 'delivered' AND o.created_at >= p.updated_at THEN 1 END)::integer AS delivered,
            COUNT(CASE WHEN o.state = 'dead' AND o.created_at >= p.updated_at THEN 1 END)::integer AS failed,
            MAX(o.last_attempt_at) AS last_attempt_at,
            (SELECT e.detail FROM push_outbox e
              WHERE e.serial_number = $1 AND e.detail IS NOT NULL AND e.state IN ('dead', 'pending', 'leased')
              ORDER BY CASE WHEN e.state = 'dead' THEN 0 ELSE 1 END, e.finished_at DESC NULLS LAST, e.available_at DESC
              LIMIT 1) AS last_error
          FROM passes p JOIN push_outbox o ON o.serial_number = p.serial_number
          WHERE p.serial_number = $1`,
        [serialNumber],
      );
      const counts = rows[0];
      return {
        pending: counts?.pending ?? 0,
        delivered: counts?.delivered ?? 0,
        failed: counts?.failed ?? 0,
        lastAttemptAt: counts?.last_attempt_at ?? null,
        lastError: counts?.last_error ?? null,
      };
    },

    async findIdempotency(tenantId, key, notBefore) {
      return readIdempotency(pool, tenantId, key, notBefore);
    },

    async findOrderPass(shop, orderId) {
      const { rows } = await pool.query<OrderPassRow>(`SELECT ${ORDER_PASS_COLUMNS} FROM order_passes WHERE shop = $1 AND order_id = $2`, [
        shop,
        orderId,
      ]);
      return rows[0] ? orderPassFromRow(rows[0]) : null;
    },
    async saveOrderPass(record) {
      const result = await pool.query(
        `INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
          ON CONFLICT (shop, order_id) DO UPDATE
            SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
            WHERE excluded.order_updated_at >= order_passes.order_updated_at`,
        [record.shop, record.orderId, record.tenantId, record.serialNumber, record.orderUpdatedAt, record.customerId, record.at],
      );
      return (result.rowCount ?? 0) > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      await pool.query('UPDATE order_passes SET linked_at = $3 WHERE shop = $1 AND order_id = $2', [shop, orderId, at]);
    },
    async listOrderPasses(shop, filter = {}) {
      const { rows } = await pool.query<OrderPassRow>(
        `SELECT ${ORDER_PASS_COLUMNS} FROM order_passes
          WHERE shop = $1 AND ($2::text IS NULL OR customer_id = $2) AND ($3::text[] IS NULL OR order_id = ANY ($3))
          ORDER BY created_at, order_id`,
        [shop, filter.customerId ?? null, filter.orderIds ? [...filter.orderIds] : null],
      );
      return rows.map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      if (orderIds.length === 0) return 0;
      const result = await pool.query('DELETE FROM order_passes WHERE shop = $1 AND order_id = ANY ($2::text[])', [shop, [...orderIds]]);
      return result.rowCount ?? 0;
    },
    async recordWebhookDelivery(delivery) {
      const result = await pool.query(
        'INSERT INTO webhook_deliveries (source, id, received_at) VALUES ($1, $2, $3) ON CONFLICT (source, id) DO NOTHING',
        [delivery.source, delivery.id, delivery.at],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async forgetWebhookDelivery(delivery) {
      await pool.query('DELETE FROM webhook_deliveries WHERE source = $1 AND id = $2', [delivery.source, delivery.id]);
    },
    async saveShopSession(shop, session, at) {
      await pool.query(
        `INSERT INTO shop_sessions (shop, session, updated_at) VALUES ($1, $2, $3)
          ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`,
        [shop, secrets.seal(SHOP_SESSION_COLUMN, shop, session), at],
      );
    },
    async findShopSession(shop) {
      const { rows } = await pool.query<{ session: string }>('SELECT session FROM shop_sessions WHERE shop = $1', [shop]);
      return rows[0] ? secrets.open(SHOP_SESSION_COLUMN, shop, rows[0].session) : null;
    },
    async deleteShopSession(shop) {
      await pool.query('DELETE FROM shop_sessions WHERE shop = $1', [shop]);
    },

    async usage(tenantId, month) {
      return readUsage(pool, tenantId, month);
    },

    async putImage(image) {
      await pool.query(
        `INSERT INTO images (hash, bytes, width, height, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING`,
        [image.hash, image.bytes, image.width, image.height, image.createdAt],
      );
    },
    async getImage(hash) {
      const { rows } = await pool.query<ImageRow>('SELECT hash, bytes, width, height, created_at FROM images WHERE hash = $1', [hash]);
      const row = rows[0];
      return row ? { hash: row.hash, bytes: row.bytes, width: row.width, height: row.height, createdAt: row.created_at } : null;
    },
    async findImageSource(url) {
      const { rows } = await pool.query<ImageSourceRow>('SELECT url, hash, fetched_at FROM image_sources WHERE url = $1', [url]);
      const row = rows[0];
      return row ? { url: row.url, hash: row.hash, fetchedAt: row.fetched_at } : null;
    },
    async putImageSource(source) {
      await pool.query(
        `INSERT INTO image_sources (url, hash, fetched_at) VALUES ($1, $2, $3)
          ON CONFLICT (url) DO UPDATE SET hash = excluded.hash, fetched_at = excluded.fetched_at`,
        [source.url, source.hash, source.fetchedAt],
      );
    },
  };
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
async function lockKey(db: Queryable, key: string): Promise<void> {
  // Two names with the same 64-bit hash would only wait for each other, never break anything.
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
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

/** A unique violation of the named constraint (or index). */
function violates(error: unknown, constraint: string): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && name === constraint;
}

/**
 * The change tag a device sent, as the integer to compare with; 0 (below every tag) when absent
 * or not a tag this store could have issued, so that the device gets all its passes.
 */
function changeSeqOf(since: string | null): string {
  return since !== null && /^[0-9]{1,15}$/.test(since) ? since : '0';
}

function byDueOrder(a: { available_at: string; id: string }, b: { available_at: string; id: string }): number {
  return compareText(a.available_at, b.available_at) || compareText(a.id, b.id);
}

/** By code unit, like COLLATE "C" on the ASCII these columns hold. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ORDER_PASS_COLUMNS = 'shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at, linked_at';

interface PrefixedTenantRow {
  t_id: string;
  t_name: string;
  t_monthly_quota: number | null;
  t_apple_identity: string | null;
  t_google_identity: string | null;
  t_created_at: string;
  t_updated_at: string;
}

interface PushCountsRow {
  pending: number;
  delivered: number;
  failed: number;
  last_attempt_at: string | null;
  last_error: string | null;
}

/** Parameters $1..$7 in TENANT_COLUMNS order. */
function tenantParams(row: TenantRow): unknown[] {
  return [row.id, row.name, row.monthly_quota, row.apple_identity, row.google_identity, row.created_at, row.updated_at];
}

function unprefixTenant(row: PrefixedTenantRow): TenantRow {
  return {
    id: row.t_id,
    name: row.t_name,
    monthly_quota: row.t_monthly_quota,
    apple_identity: row.t_apple_identity,
    google_identity: row.t_google_identity,
    created_at: row.t_created_at,
    updated_at: row.t_updated_at,
  };
}

/** Parameters $1..$12 in PASS_COLUMNS order. */
/*
 * Change tags come from a one-row counter bumped with UPDATE ... RETURNING inside the writing
 * transaction, not from a sequence. A sequence hands out numbers outside transactions, so a
 * writer holding tag 7 could commit after one holding tag 8, and a device that had already
 * asked "since 8" would never see pass 7. The counter's row lock is held until commit, so the
 * next writer gets its tag only once this one is visible: tags are committed in order. (A rolled
 * back write gives its number back; an insert whose serial was taken uses one up, and the gap is
 * harmless: tags need only increase.) The price is that pass writes are serialised from taking
 * the tag to their commit, which is why it is each write's last step.
 */
const NEXT_TAG = 'UPDATE pass_change_counter SET last_value = last_value + 1 WHERE id = 1 RETURNING last_value';
// The version row and the count read from the written row: a serial that was taken writes neither,
// and the counter is always locked before the usage row (no two writers take them in opposite orders).
const INSERT_PASS_ROW = `WITH tag AS (${NEXT_TAG}),
  written AS (
    INSERT INTO passes (${PASS_COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, tag.last_value FROM tag
      ON CONFLICT (serial_number) DO NOTHING
      RETURNING change_seq
  ),
  version AS (
    INSERT INTO pass_versions (tenant_id, serial_number, version, body, canonical_hash, created_at) SELECT $1, $2, $9, $4, $5, $11 FROM written
  ),
  counted AS (
    INSERT INTO usage_counters (tenant_id, month, used) SELECT $1, $12, 1 FROM written WHERE $13::boolean
      ON CONFLICT (tenant_id, month) DO UPDATE SET used = usage_counters.used + 1
  )
  SELECT change_seq::text AS change_seq FROM written`;
/*
 * A whole update, one statement. Its parts run in the order each reads the one before, which is
 * the store's lock order: the pass row (current), then the outbox (queued, which may wait for
 * another writer's waiting push to the same token), and only then the counter row (tag) and the
 * usage row (counted), so the counter is never held while waiting. When the pass has moved past
 * $3 nothing is queued or written and change_seq comes back null; no row at all: no such pass.
 * NO KEY UPDATE, not UPDATE: registrations and outbox rows referencing the pass take KEY SHARE
 * locks on it, which must not wait for (or block) a change of the pass's content.
 */
const UPDATE_PASS = `WITH current AS (
    SELECT version, authentication_token, created_at FROM passes WHERE tenant_id = $1 AND serial_number = $2 FOR NO KEY UPDATE
  ),
  registrations AS (
    SELECT r.push_token, r.pass_type_identifier FROM current, device_registrations r
      WHERE current.version = $3 AND r.serial_number = $2 AND r.client = 'apple'
    UNION ALL
    SELECT $15, $14 FROM current WHERE current.version = $3 AND $13::boolean
  ),
  queued AS (
    INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at)
      SELECT gen_random_uuid()::text, $1, $2, pass_type_identifier, push_token, 'pending', 0, $10, $9 FROM registrations
      ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending' DO NOTHING
      RETURNING 1
  ),
  tag AS (
    UPDATE pass_change_counter SET last_value = last_value + 1
      WHERE id = 1 AND EXISTS (SELECT 1 FROM current WHERE version = $3) AND (SELECT COUNT(*) FROM queued) >= 0
      RETURNING last_value
  ),
  written AS (
    UPDATE passes SET body = $4, canonical_hash = $5, pkpass = $6, pass_type_identifier = $7, voided = $8, version = $3 + 1,
        updated_at = $9, change_seq = tag.last_value
      FROM tag WHERE tenant_id = $1 AND serial_number = $2
      RETURNING change_seq
  ),
  version AS (
    INSERT INTO pass_versions (tenant_id, serial_number, version, body, canonical_hash, created_at) SELECT $1, $2, $3 + 1, $4, $5, $9 FROM written
  ),
  counted AS (
    INSERT INTO usage_counters (tenant_id, month, used) SELECT $1, $11, 1 FROM tag WHERE $12::boolean
      ON CONFLICT (tenant_id, month) DO UPDATE SET used = usage_counters.used + 1
  )
  SELECT current.authentication_token, current.created_at,
      (SELECT COUNT(*)::integer FROM registrations WHERE pass_type_identifier <> $14) AS registrations,
      (SELECT change_seq::text FROM written) AS change_seq
    FROM current`;

interface UpdatedPassRow {
  authentication_token: string;
  created_at: string;
  /** Apple registrations, each of which now has a push waiting. */
  registrations: number;
  /** Null when the pass was no longer at the expected version. */
  change_seq: string | null;
}

function counts(options: WriteOptions): boolean {
  return options.countsTowardQuota !== false;
}

/** Only a counted write of a tenant with a quota takes the quota lock (and so needs a transaction). */
function needsQuotaLock(options: WriteOptions): options is WriteOptions & { quota: number } {
  return counts(options) && options.quota !== null;
}

/** Parameters $1..$11 in PASS_COLUMNS order, without the change tag (the counter gives it); $12 and $13 are the month and whether the write counts. */
function passRowParams(pass: Omit<PassRecord, 'changeTag'>): unknown[] {
  return [
    pass.tenantId,
    pass.serialNumber,
    pass.authenticationToken,
    JSON.stringify(pass.body),
    pass.canonicalHash,
    pass.pkpass,
    pass.passTypeIdentifier,
    pass.voided,
    pass.version,
    pass.createdAt,
    pass.updatedAt,
  ];
}

/** Parameters $1..$8 in REGISTRATION_COLUMNS order, the time once for both created and updated. */
function registrationParams(registration: NewRegistration): unknown[] {
  return [
    registration.deviceLibraryIdentifier,
    registration.serialNumber,
    registration.tenantId,
    registration.passTypeIdentifier,
    registration.pushToken,
    registration.client,
    registration.clientName,
    registration.at,
  ];
}

/**
 * Every parameterised statement is prepared once per connection, named by a hash of its text:
 * PostgreSQL then skips parsing and planning on each call. The store's statements are a fixed
 * set, so each connection holds a few dozen.
 */
function prepareStatements(client: PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== 'string' || !Array.isArray(values)) return query(text, values, callback);
    return query({ name: statementName(text), text, values }, callback);
  };
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `passmint_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
  return name;
}
