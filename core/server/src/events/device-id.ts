import { createHash } from 'node:crypto';

/**
 * The opaque id a device is shown under in events and the timeline: stable for one device library
 * identifier, so an install and its removal can be matched, and never the push token or the
 * identifier itself (both are credentials of the device's web-service calls).
 */
export function deviceIdOf(deviceLibraryIdentifier: string): string {
  return `dev_${createHash('sha256').update(`passmint-device:${deviceLibraryIdentifier}`).digest('hex').slice(0, 24)}`;
}

/** Google names no device in its callbacks: each save or delete is its own id, from the callback's nonce. */
export function googleDeviceIdOf(nonce: string): string {
  return `dev_g${createHash('sha256').update(`passmint-google:${nonce}`).digest('hex').slice(0, 23)}`;
}
