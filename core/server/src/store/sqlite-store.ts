import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  GOOGLE_SYNC_TOPIC,
  googleSyncToken,
  StoreConflictError,
  type ApiKeyRecord,
  type DeviceClient,
  type IdempotencyRecord,
  type ImageRecord,
  type ImageSourceRecord,
  type InsertPassResult,
  type NewApiKey,
  type NewIdempotency,
  type NewPass,
  type NewRegistration,
  type NewTenant,
  type PassRecord,
  type PassUpdate,
  type Installation,
  type PushJob,
  type PushOutcome,
  type PushSummary,
  type SecretBox,
  type TenantPatch,
  type TenantRecord,
  type UpdatePassResult,
  type WriteOptions,
} from '@passmint/engine';
import { orderPassFromRow, type OrderPassRow } from '@passmint/commerce';
import { ensurePrivateDir, ensurePrivateFile } from '../secrets/private-files';
import { secretSealer, SHOP_SESSION_COLUMN, type SecretColumn, type SqlStore } from './secret-columns';
import { migrate } from './sqlite-migrations';
import { sqliteSecretCells } from './sqlite-secret-cells';
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

/** Opens (creating if needed) a SQLite file with the settings the store relies on; its files are the owner's only. */
export function openSqliteDatabase(file: string): Database.Database {
  ensurePrivateDir(dirname(file));
  ensurePrivateFile(file, [`${file}-wal`, `${file}-shm`]);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export interface SqliteStoreOptions {
  /** Seals the secret columns; without it the store can neither write nor read a secret. */
  secrets?: SecretBox;
  /** Secret columns of the plugins' tables, sealed, rotated and listed with the server's. */
  secretColumns?: readonly SecretColumn[];
}

/** The Store port on a SQLite file. Call `migrate()` before anything else. */
export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): SqlStore {
  const db = openSqliteDatabase(file);
  const sql = preparedOnce(db, statements);
  const secrets = secretSealer(options.secrets);

  function readTenant(id: string): TenantRecord | null {
    const row = sql.tenantById.get(id) as TenantRow | undefined;
    return row ? toTenant(row, secrets) : null;
  }

  function readTenantByName(name: string): TenantRecord | null {
    const row = sql.tenantByName.get(name) as TenantRow | undefined;
    return row ? toTenant(row, secrets) : null;
  }

  function readPass(tenantId: string, serialNumber: string): PassRecord | null {
    const row = sql.passByKey.get({ tenant_id: tenantId, serial_number: serialNumber }) as PassRow | undefined;
    return row ? toPass(row) : null;
  }

  function readPassBySerial(serialNumber: string): PassRecord | null {
    const row = sql.passBySerial.get({ serial_number: serialNumber }) as PassRow | undefined;
    return row ? toPass(row) : null;
  }

  function nextChangeTag(): string {
    const row = sql.nextChangeSeq.get() as { last_value: number };
    return String(row.last_value);
  }

  /** Returns the number of Apple registrations, each of which now has a push waiting. */
  function queuePushes(pass: PassRecord, at: string): number {
    const registrations = sql.appleRegistrationsOfPass.all({ serial_number: pass.serialNumber }) as TokenTopicRow[];
    for (const registration of registrations) {
      sql.queuePush.run({
        id: randomUUID(),
        tenant_id: pass.tenantId,
        serial_number: pass.serialNumber,
        pass_type_identifier: registration.pass_type_identifier,
        push_token: registration.push_token,
        created_at: pass.updatedAt,
        available_at: at,
      });
    }
    return registrations.length;
  }

  function queueGoogle(tenantId: string, serialNumber: string, at: string, createdAt = at): void {
    sql.queuePush.run({
      id: randomUUID(),
      tenant_id: tenantId,
      serial_number: serialNumber,
      pass_type_identifier: GOOGLE_SYNC_TOPIC,
      push_token: googleSyncToken(serialNumber),
      created_at: createdAt,
      available_at: at,
    });
  }

  function readIdempotency(tenantId: string, key: string, notBefore: string): IdempotencyRecord | null {
    const row = sql.freshIdempotency.get({ tenant_id: tenantId, idempotency_key: key, not_before: notBefore }) as
      | IdempotencyRow
      | undefined;
    return row ? toIdempotency(row) : null;
  }

  function readUsage(tenantId: string, month: string): number {
    const row = sql.usage.get({ tenant_id: tenantId, month }) as { used: number } | undefined;
    return row?.used ?? 0;
  }

  /** The number already used when this write would go over the quota, else null. */
  function quotaExceeded(tenantId: string, options: WriteOptions): number | null {
    if (options.countsTowardQuota === false || options.quota === null) return null;
    const used = readUsage(tenantId, options.month);
    return used >= options.quota ? used : null;
  }

  function countWrite(tenantId: string, options: WriteOptions): void {
    if (options.countsTowardQuota !== false) sql.incrementUsage.run({ tenant_id: tenantId, month: options.month });
  }

  function appendVersion(pass: PassRecord): void {
    sql.insertVersion.run({
      tenant_id: pass.tenantId,
      serial_number: pass.serialNumber,
      version: pass.version,
      body: JSON.stringify(pass.body),
      canonical_hash: pass.canonicalHash,
      created_at: pass.updatedAt,
    });
  }

  function assertNameFree(name: string): void {
    if (readTenantByName(name)) throw new StoreConflictError(`A tenant named '${name}' already exists.`);
  }

  const createTenant = db.transaction((tenant: NewTenant): TenantRecord => {
    if (readTenant(tenant.id)) throw new StoreConflictError(`A tenant with id '${tenant.id}' already exists.`);
    assertNameFree(tenant.name);
    const record: TenantRecord = { ...tenant, updatedAt: tenant.createdAt };
    sql.insertTenant.run(tenantRow(record, secrets));
    return record;
  });

  const updateTenant = db.transaction((id: string, patch: TenantPatch): TenantRecord | null => {
    const current = readTenant(id);
    if (!current) return null;
    if (patch.name !== undefined && patch.name !== current.name) assertNameFree(patch.name);
    const next: TenantRecord = {
      ...current,
      name: patch.name ?? current.name,
      monthlyQuota: patch.monthlyQuota === undefined ? current.monthlyQuota : patch.monthlyQuota,
      appleIdentity: patch.appleIdentity === undefined ? current.appleIdentity : patch.appleIdentity,
      googleIdentity: patch.googleIdentity === undefined ? (current.googleIdentity ?? null) : patch.googleIdentity,
      updatedAt: patch.updatedAt,
    };
    sql.updateTenant.run(tenantRow(next, secrets));
    return readTenant(id) ?? next;
  });

  const createApiKey = db.transaction((key: NewApiKey): ApiKeyRecord => {
    const record: ApiKeyRecord = { ...key, revokedAt: null };
    try {
      sql.insertApiKey.run(apiKeyParams(record));
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreConflictError('An API key with this id or hash already exists.');
      throw error;
    }
    return record;
  });

  const revokeApiKey = db.transaction(
    (id: string, revokedAt: string): boolean => sql.revokeApiKey.run({ id, revoked_at: revokedAt }).changes > 0,
  );

  const insertPass = db.transaction((pass: NewPass, options: WriteOptions & { idempotency?: NewIdempotency }): InsertPassResult => {
    const { idempotency } = options;
    if (idempotency) {
      const existing = readIdempotency(pass.tenantId, idempotency.key, idempotency.notBefore);
      if (existing) return { ok: false, reason: 'idempotency_exists', existing };
    }
    if (sql.serialExists.get({ serial_number: pass.serialNumber })) return { ok: false, reason: 'serial_taken' };
    const used = quotaExceeded(pass.tenantId, options);
    if (used !== null) return { ok: false, reason: 'quota_exceeded', used };

    const record: PassRecord = { ...pass, version: 1, updatedAt: pass.createdAt, changeTag: nextChangeTag() };
    sql.insertPass.run(passParams(record));
    appendVersion(record);
    countWrite(pass.tenantId, options);
    if (idempotency) sql.upsertIdempotency.run(idempotencyParams(pass.tenantId, idempotency));
    return { ok: true, pass: readPass(pass.tenantId, pass.serialNumber) ?? record };
  });

  const updatePass = db.transaction((update: PassUpdate, options: WriteOptions): UpdatePassResult => {
    const current = readPass(update.tenantId, update.serialNumber);
    if (!current) return { ok: false, reason: 'not_found' };
    if (current.version !== update.expectedVersion) return { ok: false, reason: 'version_conflict' };
    const used = quotaExceeded(update.tenantId, options);
    if (used !== null) return { ok: false, reason: 'quota_exceeded', used };

    const next: PassRecord = {
      ...current,
      body: update.body,
      canonicalHash: update.canonicalHash,
      pkpass: update.pkpass,
      passTypeIdentifier: update.passTypeIdentifier,
      voided: update.voided,
      version: current.version + 1,
      updatedAt: update.updatedAt,
      changeTag: nextChangeTag(),
    };
    sql.updatePass.run(passParams(next));
    appendVersion(next);
    countWrite(update.tenantId, options);
    const queueAt = options.queueAt ?? next.updatedAt;
    const queuedPushes = queuePushes(next, queueAt);
    if (options.syncGoogle) queueGoogle(next.tenantId, next.serialNumber, queueAt, next.updatedAt);
    return { ok: true, pass: readPass(update.tenantId, update.serialNumber) ?? next, queuedPushes };
  });

  // The refresh comes first: when it finds no row, the registration is new.
  const registerDevice = db.transaction((registration: NewRegistration): 'created' | 'existing' => {
    const params = registrationParams(registration);
    if (sql.refreshRegistration.run(params).changes > 0) return 'existing';
    sql.insertRegistration.run(params);
    return 'created';
  });

  const unregisterDevice = db.transaction((deviceLibraryIdentifier: string, serialNumber: string): boolean => {
    const gone = sql.deleteRegistration.get({ device_library_identifier: deviceLibraryIdentifier, serial_number: serialNumber }) as
      | TokenTopicRow
      | undefined;
    if (gone) sql.dropUnwantedPush.run(gone);
    return gone !== undefined;
  });

  const removeRegistrations = db.transaction((pushToken: string, passTypeIdentifier: string, registeredBefore: string): number => {
    const removed = sql.deleteStaleRegistrations.run({
      push_token: pushToken,
      pass_type_identifier: passTypeIdentifier,
      before: registeredBefore,
    }).changes;
    sql.dropUnwantedPush.run({ push_token: pushToken, pass_type_identifier: passTypeIdentifier });
    return removed;
  });

  const claimPushes = db.transaction((options: { now: string; leaseUntil: string; limit: number }): PushJob[] => {
    if (options.limit < 1) return [];
    const due = sql.duePushes.all({ now: options.now, limit: Math.floor(options.limit) }) as PushRow[];
    for (const row of due) sql.leasePush.run({ id: row.id, lease_until: options.leaseUntil });
    return due.map((row) => toPushJob({ ...row, attempts: row.attempts + 1 }));
  });

  const finishPushes = db.transaction((outcomes: PushOutcome[]): void => {
    for (const outcome of outcomes) {
      sql.finishPush.run({
        id: outcome.id,
        state: outcome.state,
        at: outcome.at,
        detail: outcome.detail,
        gave_up: outcome.givenUp ? 1 : 0,
      });
    }
  });

  /*
   * Coalescing choice: when another push to the same token and topic is already pending (queued
   * by a change made while this one was leased), this row is merged into it rather than made
   * pending too, which the one-pending index forbids. That push wakes the same device, which then
   * fetches every changed pass, so nothing is lost: the pending row becomes due no later than this
   * retry would have, takes this row's error as its detail when it has none, and this row is
   * deleted. A push that has already finished (another worker took over an expired lease) stays
   * finished.
   */
  const retryPush = db.transaction((id: string, retry: { availableAt: string; detail: string; attemptedAt?: string }): void => {
    const row = sql.unfinishedPush.get({ id }) as TokenTopicRow | undefined;
    if (!row) return;
    const params = { available_at: retry.availableAt, detail: retry.detail, attempted_at: retry.attemptedAt ?? null };
    const waiting = sql.otherPendingPush.get({ ...row, id }) as { id: string } | undefined;
    if (waiting) {
      sql.mergeRetryInto.run({ ...params, id: waiting.id });
      sql.deletePush.run({ id });
      return;
    }
    sql.retryPush.run({ ...params, id });
  });

  // One read transaction, so the counts and the error come from the same snapshot.
  const readPushSummary = db.transaction((serialNumber: string): PushSummary => {
    const counts = sql.pushCounts.get({ serial_number: serialNumber }) as PushCountsRow;
    const lastError = sql.lastPushError.get({ serial_number: serialNumber }) as { detail: string } | undefined;
    return {
      pending: counts.pending,
      delivered: counts.delivered,
      failed: counts.failed,
      lastAttemptAt: counts.last_attempt_at,
      lastError: lastError?.detail ?? null,
    };
  });

  const readOutboxHealth = db.transaction((now: string, givenUpSince: string) =>
    toOutboxHealth(
      sql.outboxHealth.get({ now, google_topic: GOOGLE_SYNC_TOPIC, since: givenUpSince }) as OutboxHealthRow,
      sql.lastGivenUp.get({ since: givenUpSince }) as GivenUpRow | undefined,
    ),
  );

  const putImage = db.transaction((image: ImageRecord): void => {
    sql.insertImage.run({ hash: image.hash, bytes: image.bytes, width: image.width, height: image.height, created_at: image.createdAt });
  });

  const putImageSource = db.transaction((source: ImageSourceRecord): void => {
    sql.upsertImageSource.run({ url: source.url, hash: source.hash, fetched_at: source.fetchedAt });
  });

  // Every write below runs as `.immediate(...)`: it takes the write lock up front and waits out
  // busy_timeout, instead of failing with SQLITE_BUSY when a deferred transaction that has
  // already read tries to upgrade after another connection committed.
  return {
    ...sqliteSecretCells(db, options.secretColumns),
    async migrate() {
      migrate(db);
    },
    async close() {
      db.close();
    },
    async ping() {
      sql.ping.get();
    },

    async createTenant(tenant) {
      return createTenant.immediate(tenant);
    },
    async findTenant(idOrName) {
      return readTenant(idOrName) ?? readTenantByName(idOrName);
    },
    async listTenants() {
      return (sql.listTenants.all() as TenantRow[]).map((row) => toTenant(row, secrets));
    },
    async updateTenant(id, patch) {
      return updateTenant.immediate(id, patch);
    },

    async createApiKey(key) {
      return createApiKey.immediate(key);
    },
    async findApiKeyByHash(hash) {
      const row = sql.apiKeyByHash.get(hash) as ApiKeyRow | undefined;
      if (!row) return null;
      const tenant = readTenant(row.tenant_id);
      return tenant ? { key: toApiKey(row), tenant } : null;
    },
    async listApiKeys(tenantId) {
      return (sql.apiKeysOfTenant.all(tenantId) as ApiKeyRow[]).map(toApiKey);
    },
    async revokeApiKey(id, revokedAt) {
      return revokeApiKey.immediate(id, revokedAt);
    },

    async findPass(tenantId, serialNumber) {
      return readPass(tenantId, serialNumber);
    },
    async findPassHead(tenantId, serialNumber) {
      const row = sql.passHeadByKey.get({ tenant_id: tenantId, serial_number: serialNumber }) as Omit<PassRow, 'pkpass'> | undefined;
      return row ? toPassHead(row) : null;
    },
    async insertPass(pass, options) {
      return insertPass.immediate(pass, options);
    },
    async updatePass(update, options) {
      return updatePass.immediate(update, options);
    },
    async listPassVersions(tenantId, serialNumber) {
      const rows = sql.passVersions.all({ tenant_id: tenantId, serial_number: serialNumber }) as PassVersionRow[];
      return rows.map(toPassVersion);
    },
    async findPassBySerial(serialNumber) {
      return readPassBySerial(serialNumber);
    },

    async registerDevice(registration) {
      return registerDevice.immediate(registration);
    },
    async unregisterDevice(deviceLibraryIdentifier, serialNumber) {
      return unregisterDevice.immediate(deviceLibraryIdentifier, serialNumber);
    },
    async listUpdatedSerials(deviceLibraryIdentifier, passTypeIdentifier, since) {
      const rows = sql.updatedSerials.all({
        device_library_identifier: deviceLibraryIdentifier,
        pass_type_identifier: passTypeIdentifier,
        since: changeSeqOf(since),
      }) as { serial_number: string; change_seq: number }[];
      if (rows.length === 0) return null;
      const lastUpdated = rows.reduce((highest, row) => Math.max(highest, row.change_seq), 0);
      return { serialNumbers: rows.map((row) => row.serial_number).sort(), lastUpdated: String(lastUpdated) };
    },
    async countRegistrations(serialNumber) {
      const counts: Record<DeviceClient, number> = { apple: 0, android: 0 };
      const rows = sql.registrationCounts.all({ serial_number: serialNumber }) as { client: DeviceClient; registrations: number }[];
      for (const row of rows) counts[row.client] = row.registrations;
      return counts;
    },
    async removeRegistrations(pushToken, passTypeIdentifier, registeredBefore) {
      return removeRegistrations.immediate(pushToken, passTypeIdentifier, registeredBefore);
    },

    async claimPushes(options) {
      return claimPushes.immediate(options);
    },
    async finishPushes(outcomes) {
      if (outcomes.length > 0) finishPushes.immediate(outcomes);
    },
    async queueGoogleSync(tenantId, serialNumber, at) {
      db.transaction(() => queueGoogle(tenantId, serialNumber, at)).immediate();
    },
    async googleSyncedVersion(serialNumber) {
      const row = sql.googleSyncedVersion.get({ serial_number: serialNumber }) as { synced_version: number } | undefined;
      return row?.synced_version ?? null;
    },
    async markGoogleSynced(serialNumber, version, at) {
      sql.markGoogleSynced.run({ serial_number: serialNumber, version, at });
    },
    async findOrderPass(shop, orderId) {
      const row = sql.findOrderPass.get({ shop, order_id: orderId }) as OrderPassRow | undefined;
      return row ? orderPassFromRow(row) : null;
    },
    async saveOrderPass(record) {
      const changes = sql.saveOrderPass.run({
        shop: record.shop,
        order_id: record.orderId,
        tenant_id: record.tenantId,
        serial_number: record.serialNumber,
        order_updated_at: record.orderUpdatedAt,
        customer_id: record.customerId,
        at: record.at,
      }).changes;
      return changes > 0 ? 'saved' : 'stale';
    },
    async markOrderPassLinked(shop, orderId, at) {
      sql.markOrderPassLinked.run({ shop, order_id: orderId, at });
    },
    async listOrderPasses(shop, filter = {}) {
      const rows = sql.listOrderPasses.all({ shop, customer_id: filter.customerId ?? null }) as OrderPassRow[];
      const wanted = filter.orderIds ? new Set(filter.orderIds) : null;
      return rows.filter((row) => !wanted || wanted.has(row.order_id)).map(orderPassFromRow);
    },
    async deleteOrderPasses(shop, orderIds) {
      return db.transaction(() =>
        orderIds.reduce((gone, orderId) => gone + sql.deleteOrderPass.run({ shop, order_id: orderId }).changes, 0),
      )();
    },
    async recordWebhookDelivery(delivery) {
      return sql.insertWebhookDelivery.run({ source: delivery.source, id: delivery.id, at: delivery.at }).changes > 0;
    },
    async saveShopSession(shop, session, at) {
      sql.saveShopSession.run({ shop, session: secrets.seal(SHOP_SESSION_COLUMN, shop, session), at });
    },
    async findShopSession(shop) {
      const row = sql.findShopSession.get({ shop }) as { session: string } | undefined;
      return row ? secrets.open(SHOP_SESSION_COLUMN, shop, row.session) : null;
    },
    async deleteShopSession(shop) {
      sql.deleteShopSession.run({ shop });
    },
    async forgetWebhookDelivery(delivery) {
      sql.deleteWebhookDelivery.run({ source: delivery.source, id: delivery.id });
    },
    async recordGoogleCallback(event) {
      return (
        sql.insertGoogleCallback.run({ nonce: event.nonce, serial_number: event.serialNumber, event_type: event.eventType, at: event.at })
          .changes > 0
      );
    },
    async countGoogleHolders(serialNumber) {
      const row = sql.googleHolders.get({ serial_number: serialNumber }) as { holders: number | null };
      return Math.max(0, row.holders ?? 0);
    },
    async listInstallations(tenantId, limit) {
      const rows = sql.installations.all({ tenant_id: tenantId, limit: Math.max(0, Math.min(limit, 1000)) }) as {
        id: string;
        serial_number: string;
        wallet: Installation['wallet'];
        installed_at: string;
      }[];
      return rows.map((row) => ({ id: row.id, serialNumber: row.serial_number, wallet: row.wallet, installedAt: row.installed_at }));
    },
    async recordPassView(serialNumber) {
      sql.recordPassView.run({ serial_number: serialNumber });
    },
    async countPassViews(serialNumber) {
      const row = sql.passViews.get({ serial_number: serialNumber }) as { views: number } | undefined;
      return row?.views ?? 0;
    },
    async prunePushes(finishedBefore) {
      return sql.prunePushes.run({ before: finishedBefore }).changes;
    },
    async retryPush(id, retry) {
      retryPush.immediate(id, retry);
    },
    async pushSummary(serialNumber) {
      return readPushSummary(serialNumber);
    },
    async outboxHealth(now, givenUpSince) {
      return readOutboxHealth(now, givenUpSince);
    },
    async listPassesAfter(afterSerial, limit) {
      return (sql.passesAfter.all({ after: afterSerial ?? '', limit }) as PassRow[]).map(toPass);
    },

    async findIdempotency(tenantId, key, notBefore) {
      return readIdempotency(tenantId, key, notBefore);
    },
    async usage(tenantId, month) {
      return readUsage(tenantId, month);
    },

    async putImage(image) {
      putImage.immediate(image);
    },
    async getImage(hash) {
      const row = sql.imageByHash.get(hash) as ImageRow | undefined;
      return row ? { hash: row.hash, bytes: row.bytes, width: row.width, height: row.height, createdAt: row.created_at } : null;
    },
    async findImageSource(url) {
      const row = sql.imageSourceByUrl.get(url) as ImageSourceRow | undefined;
      return row ? { url: row.url, hash: row.hash, fetchedAt: row.fetched_at } : null;
    },
    async putImageSource(source) {
      putImageSource.immediate(source);
    },
  };
}

const statements = {
  ping: 'SELECT 1',
  tenantById: `SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = ?`,
  tenantByName: `SELECT ${TENANT_COLUMNS} FROM tenants WHERE name = ?`,
  listTenants: `SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, id`,
  insertTenant: `INSERT INTO tenants (${TENANT_COLUMNS})
    VALUES (@id, @name, @monthly_quota, @apple_identity, @google_identity, @created_at, @updated_at)`,
  updateTenant: `UPDATE tenants
    SET name = @name, monthly_quota = @monthly_quota, apple_identity = @apple_identity, google_identity = @google_identity, updated_at = @updated_at
    WHERE id = @id`,

  insertApiKey: `INSERT INTO api_keys (${API_KEY_COLUMNS})
    VALUES (@id, @tenant_id, @hash, @prefix, @label, @created_at, @revoked_at)`,
  apiKeyByHash: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE hash = ?`,
  apiKeysOfTenant: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id`,
  revokeApiKey: 'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @revoked_at) WHERE id = @id',

  passByKey: `SELECT ${PASS_COLUMNS} FROM passes WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  passHeadByKey: `SELECT ${PASS_HEAD_COLUMNS} FROM passes WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  passBySerial: `SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number = @serial_number`,
  serialExists: 'SELECT 1 FROM passes WHERE serial_number = @serial_number',
  insertPass: `INSERT INTO passes (${PASS_COLUMNS})
    VALUES (@tenant_id, @serial_number, @authentication_token, @body, @canonical_hash, @pkpass, @pass_type_identifier,
      @voided, @version, @created_at, @updated_at, @change_seq)`,
  updatePass: `UPDATE passes
    SET body = @body, canonical_hash = @canonical_hash, pkpass = @pkpass, pass_type_identifier = @pass_type_identifier,
      voided = @voided, version = @version, updated_at = @updated_at, change_seq = @change_seq
    WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  nextChangeSeq: 'UPDATE pass_change_counter SET last_value = last_value + 1 WHERE id = 1 RETURNING last_value',
  insertVersion: `INSERT INTO pass_versions (tenant_id, serial_number, version, body, canonical_hash, created_at)
    VALUES (@tenant_id, @serial_number, @version, @body, @canonical_hash, @created_at)`,
  passVersions: `SELECT tenant_id, serial_number, version, body, canonical_hash, created_at FROM pass_versions
    WHERE tenant_id = @tenant_id AND serial_number = @serial_number ORDER BY version`,

  usage: 'SELECT used FROM usage_counters WHERE tenant_id = @tenant_id AND month = @month',
  incrementUsage: `INSERT INTO usage_counters (tenant_id, month, used) VALUES (@tenant_id, @month, 1)
    ON CONFLICT (tenant_id, month) DO UPDATE SET used = usage_counters.used + 1`,

  freshIdempotency: `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency_records
    WHERE tenant_id = @tenant_id AND idempotency_key = @idempotency_key AND created_at >= @not_before`,
  // Only reached when no fresh record exists, so a conflict here means an expired one.
  upsertIdempotency: `INSERT INTO idempotency_records (${IDEMPOTENCY_COLUMNS})
    VALUES (@tenant_id, @idempotency_key, @fingerprint, @response_serial_number, @response_warnings, @response_pkpass, @created_at)
    ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET
      fingerprint = excluded.fingerprint, response_serial_number = excluded.response_serial_number,
      response_warnings = excluded.response_warnings, response_pkpass = excluded.response_pkpass,
      created_at = excluded.created_at`,

  insertImage: `INSERT INTO images (hash, bytes, width, height, created_at) VALUES (@hash, @bytes, @width, @height, @created_at)
    ON CONFLICT (hash) DO NOTHING`,
  imageByHash: 'SELECT hash, bytes, width, height, created_at FROM images WHERE hash = ?',
  upsertImageSource: `INSERT INTO image_sources (url, hash, fetched_at) VALUES (@url, @hash, @fetched_at)
    ON CONFLICT (url) DO UPDATE SET hash = excluded.hash, fetched_at = excluded.fetched_at`,
  imageSourceByUrl: 'SELECT url, hash, fetched_at FROM image_sources WHERE url = ?',

  insertRegistration: `INSERT INTO device_registrations (${REGISTRATION_COLUMNS})
    VALUES (@device_library_identifier, @serial_number, @tenant_id, @pass_type_identifier, @push_token, @client,
      @client_name, @at, @at)`,
  refreshRegistration: `UPDATE device_registrations
    SET push_token = @push_token, client = @client, client_name = @client_name, updated_at = @at
    WHERE device_library_identifier = @device_library_identifier AND serial_number = @serial_number`,
  deleteRegistration: `DELETE FROM device_registrations
    WHERE device_library_identifier = @device_library_identifier AND serial_number = @serial_number
    RETURNING push_token, pass_type_identifier`,
  deleteStaleRegistrations: `DELETE FROM device_registrations
    WHERE push_token = @push_token AND pass_type_identifier = @pass_type_identifier AND updated_at < @before`,
  dropUnwantedPush: dropUnwantedPushSql('@push_token', '@pass_type_identifier'),
  outboxHealth: outboxHealthSql('@now', '@google_topic', '@since'),
  lastGivenUp: lastGivenUpSql('@since'),
  passesAfter: `SELECT ${PASS_COLUMNS} FROM passes WHERE serial_number > @after ORDER BY serial_number LIMIT @limit`,
  registrationCounts: `SELECT client, COUNT(*) AS registrations FROM device_registrations
    WHERE serial_number = @serial_number GROUP BY client`,
  // Tags are compared as integers (a string comparison would put '10' before '9').
  updatedSerials: `SELECT p.serial_number, p.change_seq
    FROM device_registrations r JOIN passes p ON p.serial_number = r.serial_number
    WHERE r.device_library_identifier = @device_library_identifier AND r.pass_type_identifier = @pass_type_identifier
      AND p.change_seq > @since`,
  appleRegistrationsOfPass: `SELECT push_token, pass_type_identifier FROM device_registrations
    WHERE serial_number = @serial_number AND client = 'apple'`,

  queuePush: `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts,
      available_at, lease_until, created_at, finished_at, detail)
    VALUES (@id, @tenant_id, @serial_number, @pass_type_identifier, @push_token, 'pending', 0, @available_at, NULL, @created_at, NULL, NULL)
    ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending' DO NOTHING`,
  // The first condition repeats the partial index's WHERE so the planner can use push_outbox_due.
  duePushes: `SELECT ${PUSH_JOB_COLUMNS} FROM push_outbox
    WHERE state IN ('pending', 'leased')
      AND ((state = 'pending' AND available_at <= @now) OR (state = 'leased' AND lease_until < @now))
    ORDER BY available_at, id
    LIMIT @limit`,
  leasePush: `UPDATE push_outbox SET state = 'leased', lease_until = @lease_until, attempts = attempts + 1 WHERE id = @id`,
  findOrderPass: `SELECT * FROM order_passes WHERE shop = @shop AND order_id = @order_id`,
  saveOrderPass: `INSERT INTO order_passes (shop, order_id, tenant_id, serial_number, order_updated_at, customer_id, created_at, updated_at)
    VALUES (@shop, @order_id, @tenant_id, @serial_number, @order_updated_at, @customer_id, @at, @at)
    ON CONFLICT (shop, order_id) DO UPDATE SET order_updated_at = excluded.order_updated_at, customer_id = excluded.customer_id, updated_at = excluded.updated_at
    WHERE excluded.order_updated_at >= order_passes.order_updated_at`,
  markOrderPassLinked: `UPDATE order_passes SET linked_at = @at WHERE shop = @shop AND order_id = @order_id`,
  listOrderPasses: `SELECT * FROM order_passes WHERE shop = @shop AND (@customer_id IS NULL OR customer_id = @customer_id) ORDER BY created_at, order_id`,
  deleteOrderPass: `DELETE FROM order_passes WHERE shop = @shop AND order_id = @order_id`,
  insertWebhookDelivery: `INSERT INTO webhook_deliveries (source, id, received_at) VALUES (@source, @id, @at) ON CONFLICT (source, id) DO NOTHING`,
  saveShopSession: `INSERT INTO shop_sessions (shop, session, updated_at) VALUES (@shop, @session, @at)
    ON CONFLICT (shop) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at`,
  findShopSession: `SELECT session FROM shop_sessions WHERE shop = @shop`,
  deleteShopSession: `DELETE FROM shop_sessions WHERE shop = @shop`,
  deleteWebhookDelivery: `DELETE FROM webhook_deliveries WHERE source = @source AND id = @id`,
  insertGoogleCallback: `INSERT INTO google_callbacks (nonce, serial_number, event_type, at) VALUES (@nonce, @serial_number, @event_type, @at)
    ON CONFLICT (nonce) DO NOTHING`,
  googleHolders: `SELECT SUM(CASE WHEN event_type = 'save' THEN 1 ELSE -1 END) AS holders FROM google_callbacks WHERE serial_number = @serial_number`,
  installations: `SELECT id, serial_number, wallet, installed_at FROM (
      SELECT client || ':' || device_library_identifier || ':' || serial_number AS id, serial_number, client AS wallet, created_at AS installed_at
        FROM device_registrations WHERE tenant_id = @tenant_id
      UNION ALL
      SELECT 'google:' || c.nonce AS id, c.serial_number, 'google' AS wallet, c.at AS installed_at
        FROM google_callbacks c JOIN passes p ON p.serial_number = c.serial_number
        WHERE p.tenant_id = @tenant_id AND c.event_type = 'save'
    ) ORDER BY installed_at DESC, id LIMIT @limit`,
  recordPassView: `INSERT INTO pass_views (serial_number, views) VALUES (@serial_number, 1)
    ON CONFLICT (serial_number) DO UPDATE SET views = pass_views.views + 1`,
  passViews: `SELECT views FROM pass_views WHERE serial_number = @serial_number`,
  googleSyncedVersion: `SELECT synced_version FROM google_objects WHERE serial_number = @serial_number`,
  // Never moves back: a slow sync of an older version must not undo a newer one's record.
  markGoogleSynced: `INSERT INTO google_objects (serial_number, synced_version, synced_at) VALUES (@serial_number, @version, @at)
    ON CONFLICT (serial_number) DO UPDATE SET synced_version = excluded.synced_version, synced_at = excluded.synced_at
    WHERE excluded.synced_version > google_objects.synced_version`,
  prunePushes: `DELETE FROM push_outbox WHERE state IN ('delivered', 'dead') AND finished_at < @before`,
  finishPush: `UPDATE push_outbox SET state = @state, finished_at = @at, last_attempt_at = @at, lease_until = NULL, detail = @detail, gave_up = @gave_up
    WHERE id = @id`,
  unfinishedPush: `SELECT push_token, pass_type_identifier FROM push_outbox WHERE id = @id AND state IN ('pending', 'leased')`,
  otherPendingPush: `SELECT id FROM push_outbox
    WHERE push_token = @push_token AND pass_type_identifier = @pass_type_identifier AND state = 'pending' AND id <> @id`,
  retryPush: `UPDATE push_outbox SET state = 'pending', available_at = @available_at, lease_until = NULL, detail = @detail,
      last_attempt_at = COALESCE(@attempted_at, last_attempt_at)
    WHERE id = @id`,
  mergeRetryInto: `UPDATE push_outbox
    SET available_at = CASE WHEN @available_at < available_at THEN @available_at ELSE available_at END,
      detail = COALESCE(detail, @detail),
      last_attempt_at = CASE WHEN last_attempt_at IS NULL OR @attempted_at > last_attempt_at THEN @attempted_at ELSE last_attempt_at END
    WHERE id = @id`,
  deletePush: 'DELETE FROM push_outbox WHERE id = @id',
  // Delivered and failed count only pushes queued since the pass last changed; pending counts all.
  pushCounts: `SELECT
      COUNT(CASE WHEN o.state IN ('pending', 'leased') THEN 1 END) AS pending,
      COUNT(CASE WHEN o.state = 'delivered' AND o.created_at >= p.updated_at THEN 1 END) AS delivered,
      COUNT(CASE WHEN o.state = 'dead' AND o.created_at >= p.updated_at THEN 1 END) AS failed,
      MAX(o.last_attempt_at) AS last_attempt_at
    FROM passes p JOIN push_outbox o ON o.serial_number = p.serial_number
    WHERE p.serial_number = @serial_number`,
  // The latest dead push's error; else the latest retry reason of a push still waiting.
  lastPushError: `SELECT detail FROM push_outbox
    WHERE serial_number = @serial_number AND detail IS NOT NULL AND state IN ('dead', 'pending', 'leased')
    ORDER BY CASE WHEN state = 'dead' THEN 0 ELSE 1 END, finished_at DESC, available_at DESC
    LIMIT 1`,
};

/**
 * The change tag a device sent, as the integer to compare with; 0 (below every tag) when absent
 * or not a tag this store could have issued, so that the device gets all its passes.
 */
function changeSeqOf(since: string | null): number {
  return since !== null && /^[0-9]{1,15}$/.test(since) ? Number(since) : 0;
}

/**
 * Each statement is prepared on first use and reused afterwards. Not up front: the tables do not
 * exist until `migrate()` has run.
 */
function preparedOnce<K extends string>(db: Database.Database, sources: Record<K, string>): Record<K, Database.Statement> {
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
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

interface PushCountsRow {
  pending: number;
  delivered: number;
  failed: number;
  last_attempt_at: string | null;
}

function apiKeyParams(key: ApiKeyRecord): ApiKeyRow {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    hash: key.hash,
    prefix: key.prefix,
    label: key.label,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}

function passParams(pass: PassRecord): PassRow {
  return {
    tenant_id: pass.tenantId,
    serial_number: pass.serialNumber,
    authentication_token: pass.authenticationToken,
    body: JSON.stringify(pass.body),
    canonical_hash: pass.canonicalHash,
    pkpass: pass.pkpass,
    pass_type_identifier: pass.passTypeIdentifier,
    voided: pass.voided ? 1 : 0,
    version: pass.version,
    created_at: pass.createdAt,
    updated_at: pass.updatedAt,
    change_seq: Number(pass.changeTag),
  };
}

function idempotencyParams(tenantId: string, idempotency: NewIdempotency): IdempotencyRow {
  return {
    tenant_id: tenantId,
    idempotency_key: idempotency.key,
    fingerprint: idempotency.fingerprint,
    response_serial_number: idempotency.response.serialNumber,
    response_warnings: JSON.stringify(idempotency.response.warnings),
    response_pkpass: idempotency.response.pkpass,
    created_at: idempotency.createdAt,
  };
}

function registrationParams(registration: NewRegistration) {
  return {
    device_library_identifier: registration.deviceLibraryIdentifier,
    serial_number: registration.serialNumber,
    tenant_id: registration.tenantId,
    pass_type_identifier: registration.passTypeIdentifier,
    push_token: registration.pushToken,
    client: registration.client,
    client_name: registration.clientName,
    at: registration.at,
  };
}
