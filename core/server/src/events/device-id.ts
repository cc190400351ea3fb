import { hash } from 'node:crypto';

/**
 * The opaque id a device is shown under in events and the timeline: stable for one device library
 * identifier, so an install and its removal can be matched, and never the push token or the
 * identifier itself (both are credentials of the device's web-service calls).
 */
export function deviceIdOf(deviceLibraryIdentifier: string): string {
  // One-shot: a fan-out names a device per push, 100,000 hashes for 100,000 devices.
  return `dev_${hash('sha256', `passmint-device:${deviceLibraryIdentifier}`, 'hex').slice(0, 24)}`;
}

/** Google names no device in its callbacks: each save or delete is its own id, from the callback's nonce. */
export function googleDeviceIdOf(nonce: string): string {
  return `dev_g${hash('sha256', `passmint-google:${nonce}`, 'hex').slice(0, 23)}`;
}
