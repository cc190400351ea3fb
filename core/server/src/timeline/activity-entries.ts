import type { ActivityEntry, ActivityKind } from '../store/activity-port';

/** The fields each kind of activity shows in the timeline (docs/api.md#timeline). */
export interface ActivityDetails {
  /** One push attempt to APNs for one device. */
  push: { deviceId: string | null; status: number; apnsId: string | null; reason: string | null; attempt: number };
  /** A call of Apple's web service about the pass; a fetch names no device (Apple's request carries none). */
  web_service: { call: WebServiceCall; status: number; deviceId: string | null };
  /** What a device posted to /log naming the pass; unverified, since anyone can post there. */
  device_log: { message: string };
  /** Bringing the pass's Google Wallet object up to date. */
  google_sync: { status: number; error: string | null };
  /** Google's save or delete callback, verified. */
  google_callback: { eventType: 'save' | 'del' };
}

export type WebServiceCall = 'register' | 'unregister' | 'fetch';

/** Where activity goes: the buffered log (activity-log.ts), which never makes the caller wait. */
export interface ActivityRecorder {
  record(entry: ActivityEntry): void;
}

/** Records nothing (tests and tools that build parts of the server without a log). */
export const NO_ACTIVITY: ActivityRecorder = { record: () => undefined };

/** One entry of `kind` about a pass, happening now unless `at` says when. */
export function activityOf<K extends ActivityKind>(
  kind: K,
  pass: { tenantId: string; serialNumber: string },
  detail: ActivityDetails[K],
  at: Date = new Date(),
): ActivityEntry {
  return { tenantId: pass.tenantId, serialNumber: pass.serialNumber, at: at.toISOString(), kind, detail: { ...detail } };
}
