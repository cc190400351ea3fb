import type Database from 'better-sqlite3';
import type { ActivityKind, ActivityRecord } from '../activity-port';
import type { ActivityMethods } from '../store-aggregates';
import { preparedOnce } from './prepared-once';
import { groupCommitOf } from './group-commit';

const statements = {
  insert: `INSERT INTO pass_activity (tenant_id, serial_number, at, kind, detail) VALUES (@tenant_id, @serial_number, @at, @kind, @detail)`,
  before: `SELECT id, tenant_id, serial_number, at, kind, detail FROM pass_activity
    WHERE serial_number = @serial_number AND tenant_id = @tenant_id AND id < @before
    ORDER BY id DESC LIMIT @limit`,
  prune: `DELETE FROM pass_activity WHERE at < @older_than`,
  devicesByToken: `SELECT push_token, MIN(device_library_identifier) AS device FROM device_registrations
    WHERE push_token IN (SELECT value FROM json_each(@tokens)) GROUP BY push_token`,
};

interface ActivityRow {
  id: number | bigint;
  tenant_id: string;
  serial_number: string;
  at: string;
  kind: string;
  detail: string;
}

/** The pass activity log on SQLite. */
export function sqliteActivity(db: Database.Database): ActivityMethods {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;
  const insertAll = db.transaction((entries: Parameters<ActivityMethods['recordActivity']>[0]) => {
    for (const entry of entries) {
      sql.insert.run({
        tenant_id: entry.tenantId,
        serial_number: entry.serialNumber,
        at: entry.at,
        kind: entry.kind,
        detail: JSON.stringify(entry.detail),
      });
    }
  });

  return {
    async recordActivity(entries) {
      if (entries.length > 0) await write(() => insertAll.immediate(entries));
    },
    async listActivity(tenantId, serialNumber, options) {
      const rows = sql.before.all({
        tenant_id: tenantId,
        serial_number: serialNumber,
        before: options.before === null ? BigInt(Number.MAX_SAFE_INTEGER) : BigInt(options.before),
        limit: options.limit,
      }) as ActivityRow[];
      return rows.map(toActivity);
    },
    async pruneActivity(olderThan) {
      return write(() => sql.prune.run({ older_than: olderThan }).changes);
    },
    async findDevicesByPushToken(pushTokens) {
      if (pushTokens.length === 0) return new Map();
      const rows = sql.devicesByToken.all({ tokens: JSON.stringify([...new Set(pushTokens)]) }) as { push_token: string; device: string }[];
      return new Map(rows.map((row) => [row.push_token, row.device]));
    },
  };
}

function toActivity(row: ActivityRow): ActivityRecord {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    at: row.at,
    kind: row.kind as ActivityKind,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}
