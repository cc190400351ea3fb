import { isIPv6 } from 'node:net';
import { ThrottledError } from '@passmint/engine';
import type { Store } from '../store/store-port';
import { createDeviceCeiling, type DeviceSlot } from './device-ceiling';
import { HttpError } from './http-errors';
import { perMinute, type RateLimiters } from './rate-limiter';

export interface WebServiceLimitSettings {
  registrationsPerMinutePerAddress: number;
  registrationsPerMinutePerPass: number;
  maxDevicesPerPass: number;
  deviceLogsPerMinutePerAddress: number;
}

/**
 * What anyone holding a copy of a pass may do to Apple's web service. The pass's token is in
 * every copy (and a pass shared by link has many), so it proves nothing about who registers.
 */
export interface WebServiceLimits {
  /** Every registration from an address counts; throws 429 past the address's allowance. */
  registrationFrom(address: string): Promise<void>;
  /** A slot for a device new to the pass; throws 429 past the pass's rate, 409 when the pass is full. */
  newDevice(serialNumber: string): Promise<DeviceSlot>;
  /** A device left the pass. */
  deviceRemoved(serialNumber: string): void;
  /** Throws 429 past the address's allowance of device log posts. */
  deviceLogFrom(address: string): Promise<void>;
}

/** Limits kept with the other rate limits (in Redis when configured), and the device ceiling counted in the store. */
export function createWebServiceLimits(settings: WebServiceLimitSettings, limiters: RateLimiters, store: Store): WebServiceLimits {
  const byAddress = limiters.limiter(perMinute(settings.registrationsPerMinutePerAddress), 'passmint:registrations:address:');
  const byPass = limiters.limiter(perMinute(settings.registrationsPerMinutePerPass), 'passmint:registrations:pass:');
  const logsByAddress = limiters.limiter(perMinute(settings.deviceLogsPerMinutePerAddress), 'passmint:device-logs:address:');
  const ceiling = createDeviceCeiling({
    max: settings.maxDevicesPerPass,
    count: async (serialNumber) => {
      const counts = await store.countRegistrations(serialNumber);
      return counts.apple + counts.android;
    },
  });

  return {
    async registrationFrom(address) {
      const decision = await byAddress.take(addressKey(address));
      if (!decision.ok)
        throw rateLimited(
          'registration_rate_limited',
          'Too many device registrations from this address; retry later.',
          decision.retryAfterSeconds,
        );
    },
    async newDevice(serialNumber) {
      const decision = await byPass.take(serialNumber);
      if (!decision.ok)
        throw rateLimited(
          'registration_rate_limited',
          'Too many devices are registering for this pass right now; retry later.',
          decision.retryAfterSeconds,
        );
      const slot = await ceiling.admit(serialNumber);
      if (!slot)
        throw new HttpError(
          409,
          'device_limit_reached',
          `This pass already has the most devices a pass may have (${settings.maxDevicesPerPass}).`,
        );
      return slot;
    },
    deviceRemoved: (serialNumber) => ceiling.removed(serialNumber),
    async deviceLogFrom(address) {
      const decision = await logsByAddress.take(addressKey(address));
      if (!decision.ok)
        throw rateLimited('log_rate_limited', 'Too many device log posts from this address; retry later.', decision.retryAfterSeconds);
    },
  };
}

function rateLimited(code: 'registration_rate_limited' | 'log_rate_limited', message: string, retryAfterSeconds: number): ThrottledError {
  return new ThrottledError(code, message, retryAfterSeconds);
}

/**
 * The key a client's address is limited under. An IPv4 address as it is (IPv4-mapped IPv6 too);
 * an IPv6 address by its /64, since one subscriber is normally given a whole /64 and can use any
 * address in it (RFC 6177, IPv6 Address Assignment to End Sites).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1] as string;
  const bare = address.split('%')[0] ?? address;
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
