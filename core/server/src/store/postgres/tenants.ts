import { StoreConflictError, type NewTenant, type TenantRecord } from '@passmint/engine';
import type { ApiKeyRecord, TenantPatch } from '../store-port';
import type { SecretSealer } from '../secret-columns';
import type { TenantMethods } from '../store-aggregates';
import { API_KEY_COLUMNS, TENANT_COLUMNS, tenantRow, toApiKey, toTenant, type ApiKeyRow, type TenantRow } from '../store-rows';
import { violates, type PostgresContext, type Queryable } from './queryable';

/** Tenants and their API keys on PostgreSQL; the tenants' identities are sealed with the context's secrets. */
export function postgresTenants({ pool, transaction, secrets }: PostgresContext): TenantMethods {
  return {
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
      return (await readTenant(pool, secrets, idOrName)) ?? (await readTenantByName(pool, secrets, idOrName));
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
          return (await readTenant(db, secrets, id)) ?? next;
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
  };
}

async function readTenant(db: Queryable, secrets: SecretSealer, id: string): Promise<TenantRecord | null> {
  const { rows } = await db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [id]);
  return rows[0] ? toTenant(rows[0], secrets) : null;
}

async function readTenantByName(db: Queryable, secrets: SecretSealer, name: string): Promise<TenantRecord | null> {
  const { rows } = await db.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE name = $1`, [name]);
  return rows[0] ? toTenant(rows[0], secrets) : null;
}

interface PrefixedTenantRow {
  t_id: string;
  t_name: string;
  t_monthly_quota: number | null;
  t_apple_identity: string | null;
  t_google_identity: string | null;
  t_created_at: string;
  t_updated_at: string;
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
