import type Database from 'better-sqlite3';
import type { DeviceClient, NewRegistration } from '../store-port';
import type { RegistrationMethods } from '../store-aggregates';
import { removedDevice, type RemovedRegistrationRow } from '../event-rows';
import { REGISTRATION_COLUMNS, type TokenTopicRow } from '../store-rows';
import { preparedOnce } from './prepared-once';
import { deviceIdOf } from '../../events/device-id';
import { installedEvent, removedEvent } from '../../events/device-events';
import type { EventSteps } from './events';
import type { OutboxSteps } from './push-outbox';
import { groupCommitOf } from './group-commit';

const statements = {
  insertRegistration: `INSERT INTO device_registrations (${REGISTRATION_COLUMNS})
    VALUES (@device_library_identifier, @serial_number, @tenant_id, @pass_type_identifier, @push_token, @client,
      @client_name, @at, @at)`,
  refreshRegistration: `UPDATE device_registrations
    SET push_token = @push_token, client = @client, client_name = @client_name, updated_at = @at
    WHERE device_library_identifier = @device_library_identifier AND serial_number = @serial_number`,
  deleteRegistration: `DELETE FROM device_registrations
    WHERE device_library_identifier = @device_library_identifier AND serial_number = @serial_number
    RETURNING push_token, pass_type_identifier, tenant_id, client`,
  deleteStaleRegistrations: `DELETE FROM device_registrations
    WHERE push_token = @push_token AND pass_type_identifier = @pass_type_identifier AND updated_at < @before
    RETURNING device_library_identifier, serial_number, tenant_id, client`,
  registrationCounts: `SELECT client, COUNT(*) AS registrations FROM device_registrations
    WHERE serial_number = @serial_number GROUP BY client`,
  // Tags are compared as integers (a string comparison would put '10' before '9').
  updatedSerials: `SELECT p.serial_number, p.change_seq
    FROM device_registrations r JOIN passes p ON p.serial_number = r.serial_number
    WHERE r.device_library_identifier = @device_library_identifier AND r.pass_type_identifier = @pass_type_identifier
      AND p.change_seq > @since`,
};

/**
 * Device registrations on SQLite; a registration that goes takes its token's waiting push with it
 * when nothing else wants it. A new registration is a pass.installed event, one that goes a
 * pass.removed event, in the same transaction.
 */
export function sqliteRegistrations(db: Database.Database, outbox: OutboxSteps, events: EventSteps): RegistrationMethods {
  const sql = preparedOnce(db, statements);
  // Devices come in bursts (a pass sent to a crowd, each phone registering as it adds it): those join.
  const { write, joined } = groupCommitOf(db);

  // The refresh comes first: when it finds no row, the registration is new.
  const registerDevice = db.transaction((registration: NewRegistration): 'created' | 'existing' => {
    const params = registrationParams(registration);
    if (sql.refreshRegistration.run(params).changes > 0) return 'existing';
    sql.insertRegistration.run(params);
    events.append(
      installedEvent({
        tenantId: registration.tenantId,
        serialNumber: registration.serialNumber,
        platform: registration.client,
        deviceId: deviceIdOf(registration.deviceLibraryIdentifier),
        at: registration.at,
      }),
    );
    return 'created';
  });

  const unregisterDevice = db.transaction((deviceLibraryIdentifier: string, serialNumber: string, at: string): boolean => {
    const gone = sql.deleteRegistration.get({ device_library_identifier: deviceLibraryIdentifier, serial_number: serialNumber }) as
      | (TokenTopicRow & { tenant_id: string; client: DeviceClient })
      | undefined;
    if (!gone) return false;
    outbox.dropUnwantedPush({ push_token: gone.push_token, pass_type_identifier: gone.pass_type_identifier });
    const device = { tenantId: gone.tenant_id, serialNumber, platform: gone.client, deviceId: deviceIdOf(deviceLibraryIdentifier), at };
    events.append(removedEvent(device, 'unregistered'));
    return true;
  });

  const removeRegistrations = db.transaction(
    (pushToken: string, passTypeIdentifier: string, registeredBefore: string, at: string): number => {
      const removed = sql.deleteStaleRegistrations.all({
        push_token: pushToken,
        pass_type_identifier: passTypeIdentifier,
        before: registeredBefore,
      }) as RemovedRegistrationRow[];
      outbox.dropUnwantedPush({ push_token: pushToken, pass_type_identifier: passTypeIdentifier });
      for (const row of removed) events.append(removedEvent(removedDevice(row, at), 'device_gone'));
      return removed.length;
    },
  );

  // Every write goes through the connection's group commit: see ./group-commit.ts.
  return {
    async registerDevice(registration) {
      return joined(() => registerDevice.immediate(registration));
    },
    async unregisterDevice(deviceLibraryIdentifier, serialNumber) {
      return joined(() => unregisterDevice.immediate(deviceLibraryIdentifier, serialNumber, new Date().toISOString()));
    },
    async listUpdatedSerials(deviceLibraryIdentifier, passTypeIdentifier, since) {
      const rows = sql.updatedSerials.all({
        device_library_identifier: deviceLibraryIdentifier,
        pass_type_identifier: passTypeIdentifier,
        since: changeSeqOf(since),
      }) as { serial_number: string; change_seq: number }[];
      if (rows.length === 0) return null;
      const lastUpdated = rows.reduce((highest, row) => Math.max(highest, row.change_seq), 0);
      return { serialNumbers: rows.map((row) => row.serial_number).sort(), lastUpdated: String(lastUpdated) };
    },
    async countRegistrations(serialNumber) {
      const counts: Record<DeviceClient, number> = { apple: 0, android: 0 };
      const rows = sql.registrationCounts.all({ serial_number: serialNumber }) as { client: DeviceClient; registrations: number }[];
      for (const row of rows) counts[row.client] = row.registrations;
      return counts;
    },
    async removeRegistrations(pushToken, passTypeIdentifier, registeredBefore) {
      return write(() => removeRegistrations.immediate(pushToken, passTypeIdentifier, registeredBefore, new Date().toISOString()));
    },
  };
}

/**
 * The change tag a device sent, as the integer to compare with; 0 (below every tag) when absent
 * or not a tag this store could have issued, so that the device gets all its passes.
 */
function changeSeqOf(since: string | null): number {
  return since !== null && /^[0-9]{1,15}$/.test(since) ? Number(since) : 0;
}

function registrationParams(registration: NewRegistration) {
  return {
    device_library_identifier: registration.deviceLibraryIdentifier,
    serial_number: registration.serialNumber,
    tenant_id: registration.tenantId,
    pass_type_identifier: registration.passTypeIdentifier,
    push_token: registration.pushToken,
    client: registration.client,
    client_name: registration.clientName,
    at: registration.at,
  };
}
