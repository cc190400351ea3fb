import type Database from 'better-sqlite3';
import type { IdempotencyRecord, NewIdempotency, WriteOptions } from '@passmint/engine';
import type { UsageMethods } from '../store-aggregates';
import { IDEMPOTENCY_COLUMNS, toIdempotency, type IdempotencyRow } from '../store-rows';
import { preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

const statements = {
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

  recordPassView: `INSERT INTO pass_views (serial_number, views) VALUES (@serial_number, 1)
    ON CONFLICT (serial_number) DO UPDATE SET views = pass_views.views + 1`,
  passViews: `SELECT views FROM pass_views WHERE serial_number = @serial_number`,
};

/** The steps a pass write takes on the quota counters and idempotency records, inside its transaction. */
export interface UsageSteps {
  readIdempotency(tenantId: string, key: string, notBefore: string): IdempotencyRecord | null;
  readUsage(tenantId: string, month: string): number;
  /** The number already used when this write would go over the quota, else null. */
  quotaExceeded(tenantId: string, options: WriteOptions): number | null;
  countWrite(tenantId: string, options: WriteOptions): void;
  writeIdempotency(tenantId: string, idempotency: NewIdempotency): void;
}

/** Quota counters, idempotency records and share page views on SQLite. */
export function sqliteUsage(db: Database.Database): { steps: UsageSteps; methods: UsageMethods } {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;

  const steps: UsageSteps = {
    readIdempotency(tenantId, key, notBefore) {
      const row = sql.freshIdempotency.get({ tenant_id: tenantId, idempotency_key: key, not_before: notBefore }) as
        | IdempotencyRow
        | undefined;
      return row ? toIdempotency(row) : null;
    },
    readUsage(tenantId, month) {
      const row = sql.usage.get({ tenant_id: tenantId, month }) as { used: number } | undefined;
      return row?.used ?? 0;
    },
    quotaExceeded(tenantId, options) {
      if (options.countsTowardQuota === false || options.quota === null) return null;
      const used = steps.readUsage(tenantId, options.month);
      return used >= options.quota ? used : null;
    },
    countWrite(tenantId, options) {
      if (options.countsTowardQuota !== false) sql.incrementUsage.run({ tenant_id: tenantId, month: options.month });
    },
    writeIdempotency(tenantId, idempotency) {
      sql.upsertIdempotency.run(idempotencyParams(tenantId, idempotency));
    },
  };

  const methods: UsageMethods = {
    async findIdempotency(tenantId, key, notBefore) {
      return steps.readIdempotency(tenantId, key, notBefore);
    },
    async usage(tenantId, month) {
      return steps.readUsage(tenantId, month);
    },
    async recordPassView(serialNumber) {
      await write(() => sql.recordPassView.run({ serial_number: serialNumber }));
    },
    async countPassViews(serialNumber) {
      const row = sql.passViews.get({ serial_number: serialNumber }) as { views: number } | undefined;
      return row?.views ?? 0;
    },
  };
  return { steps, methods };
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
