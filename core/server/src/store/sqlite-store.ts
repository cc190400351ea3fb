import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  StoreConflictError,
  type ApiKeyRecord,
  type IdempotencyRecord,
  type ImageRecord,
  type ImageSourceRecord,
  type InsertPassResult,
  type NewApiKey,
  type NewIdempotency,
  type NewPass,
  type NewTenant,
  type PassRecord,
  type PassUpdate,
  type PassVersionRecord,
  type Store,
  type StoredAppleIdentity,
  type TenantPatch,
  type TenantRecord,
  type UpdatePassResult,
  type WriteOptions,
} from '@passmint/engine';
import { migrate } from './sqlite-migrations';

/** Opens (creating if needed) a SQLite file with the settings the store relies on. */
export function openSqliteDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** The Store port on a SQLite file. Call `migrate()` before anything else. */
export function createSqliteStore(file: string): Store {
  const db = openSqliteDatabase(file);
  const sql = preparedOnce(db, statements);

  function readTenant(id: string): TenantRecord | null {
    const row = sql.tenantById.get(id) as TenantRow | undefined;
    return row ? toTenant(row) : null;
  }

  function readTenantByName(name: string): TenantRecord | null {
    const row = sql.tenantByName.get(name) as TenantRow | undefined;
    return row ? toTenant(row) : null;
  }

  function readPass(tenantId: string, serialNumber: string): PassRecord | null {
    const row = sql.passByKey.get({ tenant_id: tenantId, serial_number: serialNumber }) as PassRow | undefined;
    return row ? toPass(row) : null;
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
    sql.insertTenant.run(tenantParams(record));
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
      updatedAt: patch.updatedAt,
    };
    sql.updateTenant.run(tenantParams(next));
    return next;
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

    const record: PassRecord = { ...pass, version: 1, updatedAt: pass.createdAt };
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
    };
    sql.updatePass.run(passParams(next));
    appendVersion(next);
    countWrite(update.tenantId, options);
    return { ok: true, pass: readPass(update.tenantId, update.serialNumber) ?? next };
  });

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
      return (sql.listTenants.all() as TenantRow[]).map(toTenant);
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

const TENANT_COLUMNS = 'id, name, monthly_quota, apple_identity, created_at, updated_at';
const API_KEY_COLUMNS = 'id, tenant_id, hash, prefix, label, created_at, revoked_at';
const PASS_COLUMNS = `tenant_id, serial_number, authentication_token, body, canonical_hash, pkpass, pass_type_identifier,
  voided, version, created_at, updated_at`;
const IDEMPOTENCY_COLUMNS =
  'tenant_id, idempotency_key, fingerprint, response_serial_number, response_warnings, response_pkpass, created_at';

const statements = {
  ping: 'SELECT 1',
  tenantById: `SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = ?`,
  tenantByName: `SELECT ${TENANT_COLUMNS} FROM tenants WHERE name = ?`,
  listTenants: `SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, id`,
  insertTenant: `INSERT INTO tenants (${TENANT_COLUMNS})
    VALUES (@id, @name, @monthly_quota, @apple_identity, @created_at, @updated_at)`,
  updateTenant: `UPDATE tenants
    SET name = @name, monthly_quota = @monthly_quota, apple_identity = @apple_identity, updated_at = @updated_at
    WHERE id = @id`,

  insertApiKey: `INSERT INTO api_keys (${API_KEY_COLUMNS})
    VALUES (@id, @tenant_id, @hash, @prefix, @label, @created_at, @revoked_at)`,
  apiKeyByHash: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE hash = ?`,
  apiKeysOfTenant: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id`,
  revokeApiKey: 'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @revoked_at) WHERE id = @id',

  passByKey: `SELECT ${PASS_COLUMNS} FROM passes WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
  serialExists: 'SELECT 1 FROM passes WHERE serial_number = @serial_number',
  insertPass: `INSERT INTO passes (${PASS_COLUMNS})
    VALUES (@tenant_id, @serial_number, @authentication_token, @body, @canonical_hash, @pkpass, @pass_type_identifier,
      @voided, @version, @created_at, @updated_at)`,
  updatePass: `UPDATE passes
    SET body = @body, canonical_hash = @canonical_hash, pkpass = @pkpass, pass_type_identifier = @pass_type_identifier,
      voided = @voided, version = @version, updated_at = @updated_at
    WHERE tenant_id = @tenant_id AND serial_number = @serial_number`,
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
};

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

interface TenantRow {
  id: string;
  name: string;
  monthly_quota: number | null;
  apple_identity: string | null;
  created_at: string;
  updated_at: string;
}

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  hash: string;
  prefix: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

interface PassRow {
  tenant_id: string;
  serial_number: string;
  authentication_token: string;
  body: string;
  canonical_hash: string;
  pkpass: Buffer;
  pass_type_identifier: string;
  voided: number;
  version: number;
  created_at: string;
  updated_at: string;
}

interface PassVersionRow {
  tenant_id: string;
  serial_number: string;
  version: number;
  body: string;
  canonical_hash: string;
  created_at: string;
}

interface IdempotencyRow {
  tenant_id: string;
  idempotency_key: string;
  fingerprint: string;
  response_serial_number: string;
  response_warnings: string;
  response_pkpass: Buffer;
  created_at: string;
}

interface ImageRow {
  hash: string;
  bytes: Buffer;
  width: number;
  height: number;
  created_at: string;
}

interface ImageSourceRow {
  url: string;
  hash: string;
  fetched_at: string;
}

function tenantParams(tenant: TenantRecord): TenantRow {
  return {
    id: tenant.id,
    name: tenant.name,
    monthly_quota: tenant.monthlyQuota,
    apple_identity: tenant.appleIdentity === null ? null : JSON.stringify(tenant.appleIdentity),
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
  };
}

function toTenant(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    monthlyQuota: row.monthly_quota,
    appleIdentity: row.apple_identity === null ? null : (JSON.parse(row.apple_identity) as StoredAppleIdentity),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
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

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    hash: row.hash,
    prefix: row.prefix,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
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
  };
}

function toPass(row: PassRow): PassRecord {
  return {
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    authenticationToken: row.authentication_token,
    body: JSON.parse(row.body) as unknown,
    canonicalHash: row.canonical_hash,
    pkpass: row.pkpass,
    passTypeIdentifier: row.pass_type_identifier,
    voided: row.voided === 1,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toPassVersion(row: PassVersionRow): PassVersionRecord {
  return {
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    version: row.version,
    body: JSON.parse(row.body) as unknown,
    canonicalHash: row.canonical_hash,
    createdAt: row.created_at,
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

function toIdempotency(row: IdempotencyRow): IdempotencyRecord {
  return {
    tenantId: row.tenant_id,
    key: row.idempotency_key,
    fingerprint: row.fingerprint,
    response: {
      serialNumber: row.response_serial_number,
      warnings: JSON.parse(row.response_warnings) as string[],
      pkpass: row.response_pkpass,
    },
    createdAt: row.created_at,
  };
}
