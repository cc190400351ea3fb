import { GOOGLE_SYNC_TOPIC, googleSyncToken, type Installation } from '../store-port';
import type { GoogleMethods } from '../store-aggregates';
import { googleCallbackEvent } from '../../events/device-events';
import { appendEvents } from './events';
import type { PostgresContext, Queryable } from './queryable';

/**
 * Google Wallet's sync state and callbacks on PostgreSQL, and the installations they add to. A
 * new save or delete is a pass.installed or pass.removed event, in the same transaction.
 */
export function postgresGoogle({ pool, transaction }: PostgresContext): GoogleMethods {
  return {
    async queueGoogleSync(tenantId, serialNumber, at) {
      await queueGoogleSyncOn(pool, tenantId, serialNumber, at);
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
      return transaction(async (db) => {
        const { rows } = await db.query<{ tenant_id: string | null }>(
          `INSERT INTO google_callbacks (nonce, serial_number, event_type, at) VALUES ($1, $2, $3, $4) ON CONFLICT (nonce) DO NOTHING
            RETURNING (SELECT tenant_id FROM passes WHERE serial_number = $2) AS tenant_id`,
          [event.nonce, event.serialNumber, event.eventType, event.at],
        );
        const inserted = rows[0];
        if (!inserted) return false;
        if (inserted.tenant_id !== null) await appendEvents(db, [googleCallbackEvent(inserted.tenant_id, event)]);
        return true;
      });
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
  };
}

/** The outbox entry that brings a pass's Google object up to date (one waiting entry per pass). */
export async function queueGoogleSyncOn(db: Queryable, tenantId: string, serialNumber: string, at: string): Promise<void> {
  await db.query(
    `INSERT INTO push_outbox (id, tenant_id, serial_number, pass_type_identifier, push_token, state, attempts, available_at, created_at)
      VALUES (gen_random_uuid()::text, $1, $2, $3, $4, 'pending', 0, $5, $6)
      ON CONFLICT (push_token, pass_type_identifier) WHERE state = 'pending' DO NOTHING`,
    [tenantId, serialNumber, GOOGLE_SYNC_TOPIC, googleSyncToken(serialNumber), at, at],
  );
}
