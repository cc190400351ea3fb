import type { PushResult } from '../apns/apns-client';

/** An identity (an APNs connection, or Google) whose latest push attempt failed, for /healthz. */
export interface IdentityFailure {
  identity: string;
  /** `<status> <reason> (detail)`, as the outbox records it. */
  lastError: string;
  /** The first failure since the identity last delivered. */
  failingSince: string;
  lastFailureAt: string;
}

/** APNs reasons about one device token, not about the connection or the certificate. */
const DEVICE_REASONS: ReadonlySet<string> = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic', 'Unregistered', 'TooManyRequests']);

/**
 * True when a failed push says something about the identity (unreachable APNs, 5xx, a refused
 * certificate or topic) rather than about one device: 410, a bad token, or 429, which APNs sends
 * for "too many notifications to the same device token".
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 */
export function isIdentityFailure(result: Extract<PushResult, { ok: false }>): boolean {
  return !(result.status === 410 || result.status === 429 || DEVICE_REASONS.has(result.reason));
}

/** Which identities are failing right now: an identity is failing from a failure until it next delivers. */
export function createIdentityHealth() {
  const failing = new Map<string, IdentityFailure>();
  return {
    delivered(identity: string): void {
      failing.delete(identity);
    },
    failed(identity: string, lastError: string, at: string): void {
      failing.set(identity, { identity, lastError, failingSince: failing.get(identity)?.failingSince ?? at, lastFailureAt: at });
    },
    failing(): IdentityFailure[] {
      return [...failing.values()];
    },
  };
}
