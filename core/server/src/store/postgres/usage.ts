import type { IdempotencyRecord, NewIdempotency, WriteOptions } from '@passmint/engine';
import type { UsageMethods } from '../store-aggregates';
import { IDEMPOTENCY_COLUMNS, toIdempotency, type IdempotencyRow } from '../store-rows';
import { lockKey, type PostgresContext, type Queryable } from './queryable';

/** Quota counters, idempotency records and share page views on PostgreSQL. */
export function postgresUsage({ pool }: PostgresContext): UsageMethods {
  return {
    async findIdempotency(tenantId, key, notBefore) {
      return readIdempotency(pool, tenantId, key, notBefore);
    },
    async usage(tenantId, month) {
      return readUsage(pool, tenantId, month);
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
  };
}

export async function readIdempotency(db: Queryable, tenantId: string, key: string, notBefore: string): Promise<IdempotencyRecord | null> {
  const { rows } = await db.query<IdempotencyRow>(
    `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency_records WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at >= $3`,
    [tenantId, key, notBefore],
  );
  return rows[0] ? toIdempotency(rows[0]) : null;
}

export async function writeIdempotency(db: Queryable, tenantId: string, idempotency: NewIdempotency): Promise<void> {
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
export async function quotaExceeded(db: Queryable, tenantId: string, options: WriteOptions): Promise<number | null> {
  if (!needsQuotaLock(options)) return null;
  await lockKey(db, `passmint.quota:${tenantId}:${options.month}`);
  const used = await readUsage(db, tenantId, options.month);
  return used >= options.quota ? used : null;
}

export function counts(options: WriteOptions): boolean {
  return options.countsTowardQuota !== false;
}

/** Only a counted write of a tenant with a quota takes the quota lock (and so needs a transaction). */
export function needsQuotaLock(options: WriteOptions): options is WriteOptions & { quota: number } {
  return counts(options) && options.quota !== null;
}
