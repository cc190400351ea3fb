import type Database from 'better-sqlite3';
import { StoreConflictError, type NewTenant, type TenantRecord } from '@passmint/engine';
import type { ApiKeyRecord, NewApiKey, TenantPatch } from '../store-port';
import type { SecretSealer } from '../secret-columns';
import type { TenantMethods } from '../store-aggregates';
import { API_KEY_COLUMNS, TENANT_COLUMNS, tenantRow, toApiKey, toTenant, type ApiKeyRow, type TenantRow } from '../store-rows';
import { isUniqueViolation, preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

const statements = {
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
};

/** Tenants and their API keys on SQLite; the tenants' identities are sealed with `secrets`. */
export function sqliteTenants(db: Database.Database, secrets: SecretSealer): TenantMethods {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;

  function readTenant(id: string): TenantRecord | null {
    const row = sql.tenantById.get(id) as TenantRow | undefined;
    return row ? toTenant(row, secrets) : null;
  }

  function readTenantByName(name: string): TenantRecord | null {
    const row = sql.tenantByName.get(name) as TenantRow | undefined;
    return row ? toTenant(row, secrets) : null;
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

  // Every write goes through the connection's group commit: see ./group-commit.ts.
  return {
    async createTenant(tenant) {
      return write(() => createTenant.immediate(tenant));
    },
    async findTenant(idOrName) {
      return readTenant(idOrName) ?? readTenantByName(idOrName);
    },
    async listTenants() {
      return (sql.listTenants.all() as TenantRow[]).map((row) => toTenant(row, secrets));
    },
    async updateTenant(id, patch) {
      return write(() => updateTenant.immediate(id, patch));
    },

    async createApiKey(key) {
      return write(() => createApiKey.immediate(key));
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
      return write(() => revokeApiKey.immediate(id, revokedAt));
    },
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
