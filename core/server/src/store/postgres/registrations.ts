import type { DeviceClient, NewRegistration } from '../store-port';
import type { RegistrationMethods } from '../store-aggregates';
import { REGISTRATION_COLUMNS, type TokenTopicRow } from '../store-rows';
import { deviceIdOf } from '../../events/device-id';
import { installedEvent, removedEvent } from '../../events/device-events';
import { removedDevice, type RemovedRegistrationRow } from '../event-rows';
import { appendEvents, eventCtes } from './events';
import { dropUnwantedPush } from './push-outbox';
import type { PostgresContext } from './queryable';

/**
 * Device registrations on PostgreSQL; a registration that goes takes its token's waiting push with
 * it when nothing else wants it. A new registration is a pass.installed event, one that goes a
 * pass.removed event, in the same transaction.
 */
export function postgresRegistrations({ pool, transaction }: PostgresContext): RegistrationMethods {
  return {
    async registerDevice(registration) {
      // xmax is 0 only on a row version this statement inserted; an updated row carries our xid.
      // A new registration is a pass.installed event, written by the same statement.
      const installed = installedEvent({
        tenantId: registration.tenantId,
        serialNumber: registration.serialNumber,
        platform: registration.client,
        deviceId: deviceIdOf(registration.deviceLibraryIdentifier),
        at: registration.at,
      });
      const { rows } = await pool.query<{ inserted: boolean }>(
        `WITH upserted AS (
            INSERT INTO device_registrations (${REGISTRATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
            ON CONFLICT (device_library_identifier, serial_number) DO UPDATE
              SET push_token = excluded.push_token, client = excluded.client, client_name = excluded.client_name, updated_at = excluded.updated_at
            RETURNING (xmax = 0) AS inserted
          ),
          ${eventCtes(`SELECT $3, 'pass.installed', $2, $9, $8 FROM upserted WHERE inserted`)}
          SELECT inserted FROM upserted`,
        [...registrationParams(registration), JSON.stringify(installed.data)],
      );
      return rows[0]?.inserted ? 'created' : 'existing';
    },
    async unregisterDevice(deviceLibraryIdentifier, serialNumber) {
      return transaction(async (db) => {
        const { rows } = await db.query<TokenTopicRow & RemovedRegistrationRow>(
          `DELETE FROM device_registrations WHERE device_library_identifier = $1 AND serial_number = $2
            RETURNING push_token, pass_type_identifier, device_library_identifier, serial_number, tenant_id, client`,
          [deviceLibraryIdentifier, serialNumber],
        );
        const gone = rows[0];
        if (!gone) return false;
        await dropUnwantedPush(db, gone.push_token, gone.pass_type_identifier);
        await appendEvents(db, [removedEvent(removedDevice(gone, new Date().toISOString()), 'unregistered')]);
        return true;
      });
    },
    async listUpdatedSerials(deviceLibraryIdentifier, passTypeIdentifier, since) {
      const { rows } = await pool.query<{ serial_number: string; change_seq: string }>(
        `SELECT p.serial_number, p.change_seq
          FROM device_registrations r JOIN passes p ON p.serial_number = r.serial_number
          WHERE r.device_library_identifier = $1 AND r.pass_type_identifier = $2 AND p.change_seq > $3`,
        [deviceLibraryIdentifier, passTypeIdentifier, changeSeqOf(since)],
      );
      if (rows.length === 0) return null;
      // Tags are compared as integers (a string comparison would put '10' before '9').
      const lastUpdated = rows.reduce((highest, row) => (BigInt(row.change_seq) > highest ? BigInt(row.change_seq) : highest), 0n);
      return { serialNumbers: rows.map((row) => row.serial_number).sort(), lastUpdated: String(lastUpdated) };
    },
    async countRegistrations(serialNumber) {
      const counts: Record<DeviceClient, number> = { apple: 0, android: 0 };
      const { rows } = await pool.query<{ client: DeviceClient; registrations: number }>(
        `SELECT client, COUNT(*)::integer AS registrations FROM device_registrations WHERE serial_number = $1 GROUP BY client`,
        [serialNumber],
      );
      for (const row of rows) counts[row.client] = row.registrations;
      return counts;
    },
    async removeRegistrations(pushToken, passTypeIdentifier, registeredBefore) {
      return transaction(async (db) => {
        const { rows } = await db.query<RemovedRegistrationRow>(
          `DELETE FROM device_registrations WHERE push_token = $1 AND pass_type_identifier = $2 AND updated_at < $3
            RETURNING device_library_identifier, serial_number, tenant_id, client`,
          [pushToken, passTypeIdentifier, registeredBefore],
        );
        await dropUnwantedPush(db, pushToken, passTypeIdentifier);
        const at = new Date().toISOString();
        await appendEvents(
          db,
          rows.map((row) => removedEvent(removedDevice(row, at), 'device_gone')),
        );
        return rows.length;
      });
    },
  };
}

/**
 * The change tag a device sent, as the integer to compare with; 0 (below every tag) when absent
 * or not a tag this store could have issued, so that the device gets all its passes.
 */
function changeSeqOf(since: string | null): string {
  return since !== null && /^[0-9]{1,15}$/.test(since) ? since : '0';
}

/** Parameters $1..$8 in REGISTRATION_COLUMNS order, the time once for both created and updated. */
function registrationParams(registration: NewRegistration): unknown[] {
  return [
    registration.deviceLibraryIdentifier,
    registration.serialNumber,
    registration.tenantId,
    registration.passTypeIdentifier,
    registration.pushToken,
    registration.client,
    registration.clientName,
    registration.at,
  ];
}
