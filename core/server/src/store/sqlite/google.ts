import type Database from 'better-sqlite3';
import type { Installation } from '../store-port';
import type { GoogleMethods } from '../store-aggregates';
import { preparedOnce } from './prepared-once';
import { googleCallbackEvent } from '../../events/device-events';
import type { EventSteps } from './events';
import type { OutboxSteps } from './push-outbox';
import { groupCommitOf } from './group-commit';

const statements = {
  insertGoogleCallback: `INSERT INTO google_callbacks (nonce, serial_number, event_type, at) VALUES (@nonce, @serial_number, @event_type, @at)
    ON CONFLICT (nonce) DO NOTHING`,
  passTenant: 'SELECT tenant_id FROM passes WHERE serial_number = @serial_number',
  googleHolders: `SELECT SUM(CASE WHEN event_type = 'save' THEN 1 ELSE -1 END) AS holders FROM google_callbacks WHERE serial_number = @serial_number`,
  installations: `SELECT id, serial_number, wallet, installed_at FROM (
      SELECT client || ':' || device_library_identifier || ':' || serial_number AS id, serial_number, client AS wallet, created_at AS installed_at
        FROM device_registrations WHERE tenant_id = @tenant_id
      UNION ALL
      SELECT 'google:' || c.nonce AS id, c.serial_number, 'google' AS wallet, c.at AS installed_at
        FROM google_callbacks c JOIN passes p ON p.serial_number = c.serial_number
        WHERE p.tenant_id = @tenant_id AND c.event_type = 'save'
    ) ORDER BY installed_at DESC, id LIMIT @limit`,
  googleSyncedVersion: `SELECT synced_version FROM google_objects WHERE serial_number = @serial_number`,
  // Never moves back: a slow sync of an older version must not undo a newer one's record.
  markGoogleSynced: `INSERT INTO google_objects (serial_number, synced_version, synced_at) VALUES (@serial_number, @version, @at)
    ON CONFLICT (serial_number) DO UPDATE SET synced_version = excluded.synced_version, synced_at = excluded.synced_at
    WHERE excluded.synced_version > google_objects.synced_version`,
};

/**
 * Google Wallet's sync state and callbacks on SQLite, and the installations they add to. A new
 * save or delete is a pass.installed or pass.removed event, in the same transaction.
 */
export function sqliteGoogle(db: Database.Database, outbox: OutboxSteps, events: EventSteps): GoogleMethods {
  const sql = preparedOnce(db, statements);
  const write = groupCommitOf(db).write;

  const recordCallback = db.transaction((event: GoogleCallback): boolean => {
    const params = { nonce: event.nonce, serial_number: event.serialNumber, event_type: event.eventType, at: event.at };
    if (sql.insertGoogleCallback.run(params).changes === 0) return false;
    const pass = sql.passTenant.get({ serial_number: event.serialNumber }) as { tenant_id: string } | undefined;
    if (pass) events.append(googleCallbackEvent(pass.tenant_id, event));
    return true;
  });

  return {
    async queueGoogleSync(tenantId, serialNumber, at) {
      await write(() => db.transaction(() => outbox.queueGoogle(tenantId, serialNumber, at)).immediate());
    },
    async googleSyncedVersion(serialNumber) {
      const row = sql.googleSyncedVersion.get({ serial_number: serialNumber }) as { synced_version: number } | undefined;
      return row?.synced_version ?? null;
    },
    async markGoogleSynced(serialNumber, version, at) {
      await write(() => sql.markGoogleSynced.run({ serial_number: serialNumber, version, at }));
    },
    async recordGoogleCallback(event) {
      return write(() => recordCallback.immediate(event));
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
  };
}

type GoogleCallback = Parameters<GoogleMethods['recordGoogleCallback']>[0];
