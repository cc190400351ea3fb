import { googleDeviceIdOf } from './device-id';
import type { EventPlatform, NewEvent } from './event-types';

export type RemovalReason = 'unregistered' | 'device_gone' | 'google_deleted';

interface DeviceChange {
  tenantId: string;
  serialNumber: string;
  platform: EventPlatform;
  /** From deviceIdOf or googleDeviceIdOf: never a push token. */
  deviceId: string;
  at: string;
}

/** A device registered for the pass, or a holder saved it to Google Wallet. */
export function installedEvent(change: DeviceChange): NewEvent {
  return {
    tenantId: change.tenantId,
    type: 'pass.installed',
    serialNumber: change.serialNumber,
    data: { serialNumber: change.serialNumber, platform: change.platform, deviceId: change.deviceId },
    createdAt: change.at,
  };
}

export function removedEvent(change: DeviceChange, reason: RemovalReason): NewEvent {
  return {
    tenantId: change.tenantId,
    type: 'pass.removed',
    serialNumber: change.serialNumber,
    data: { serialNumber: change.serialNumber, platform: change.platform, deviceId: change.deviceId, reason },
    createdAt: change.at,
  };
}

interface FailedDelivery {
  tenantId: string;
  serialNumber: string;
  channel: 'apns' | 'google';
  /** The device an APNs push was for, when it is still known. */
  deviceId: string | null;
  reason: string;
  attempts: number;
  at: string;
}

/** A push or a Google sync given up. */
export function deliveryFailedEvent(failure: FailedDelivery): NewEvent {
  return {
    tenantId: failure.tenantId,
    type: 'delivery.failed',
    serialNumber: failure.serialNumber,
    data: {
      serialNumber: failure.serialNumber,
      channel: failure.channel,
      ...(failure.deviceId === null ? {} : { deviceId: failure.deviceId }),
      reason: failure.reason,
      attempts: failure.attempts,
    },
    createdAt: failure.at,
  };
}

/** A holder saved the pass to Google Wallet, or deleted it there. */
export function googleCallbackEvent(
  tenantId: string,
  callback: { nonce: string; serialNumber: string; eventType: 'save' | 'del'; at: string },
): NewEvent {
  const device = {
    tenantId,
    serialNumber: callback.serialNumber,
    platform: 'google' as const,
    deviceId: googleDeviceIdOf(callback.nonce),
    at: callback.at,
  };
  return callback.eventType === 'save' ? installedEvent(device) : removedEvent(device, 'google_deleted');
}
