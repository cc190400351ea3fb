import type { ActivityKind, ActivityRecord } from '../activity-port';
import type { ActivityMethods } from '../store-aggregates';
import type { PostgresContext } from './queryable';

interface ActivityRow {
  id: string;
  tenant_id: string;
  serial_number: string;
  at: string;
  kind: string;
  detail: string;
}

/** The pass activity log on PostgreSQL: a batch is one statement, so one transaction. */
export function postgresActivity({ pool }: PostgresContext): ActivityMethods {
  return {
    async recordActivity(entries) {
      if (entries.length === 0) return;
      await pool.query(
        `INSERT INTO pass_activity (tenant_id, serial_number, at, kind, detail)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
        [
          entries.map((entry) => entry.tenantId),
          entries.map((entry) => entry.serialNumber),
          entries.map((entry) => entry.at),
          entries.map((entry) => entry.kind),
          entries.map((entry) => JSON.stringify(entry.detail)),
        ],
      );
    },
    async listActivity(tenantId, serialNumber, options) {
      const { rows } = await pool.query<ActivityRow>(
        `SELECT id::text AS id, tenant_id, serial_number, at, kind, detail FROM pass_activity
          WHERE serial_number = $1 AND tenant_id = $2 AND ($3::bigint IS NULL OR id < $3::bigint)
          ORDER BY id DESC LIMIT $4`,
        [serialNumber, tenantId, options.before, options.limit],
      );
      return rows.map(toActivity);
    },
    async pruneActivity(olderThan) {
      const result = await pool.query('DELETE FROM pass_activity WHERE at < $1', [olderThan]);
      return result.rowCount ?? 0;
    },
    async findDevicesByPushToken(pushTokens) {
      if (pushTokens.length === 0) return new Map();
      const { rows } = await pool.query<{ push_token: string; device: string }>(
        `SELECT push_token, MIN(device_library_identifier) AS device FROM device_registrations
          WHERE push_token = ANY ($1::text[]) GROUP BY push_token`,
        [[...new Set(pushTokens)]],
      );
      return new Map(rows.map((row) => [row.push_token, row.device]));
    },
  };
}

function toActivity(row: ActivityRow): ActivityRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    at: row.at,
    kind: row.kind as ActivityKind,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}
