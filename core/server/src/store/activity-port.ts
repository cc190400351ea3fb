/** What the timeline shows beside a pass's events: what happened on the wire. */
export type ActivityKind = 'push' | 'web_service' | 'device_log' | 'google_sync' | 'google_callback';

/** One thing that happened to a pass on the wire, as recorded; `detail` is the kind's fields (timeline/activity-entries.ts). */
export interface ActivityEntry {
  tenantId: string;
  serialNumber: string;
  at: string;
  kind: ActivityKind;
  detail: Record<string, unknown>;
}

export interface ActivityRecord extends ActivityEntry {
  /** Decimal; higher is written later. */
  id: string;
}

/**
 * The Store port's part for the pass activity log: a diagnostic log, written in batches by the
 * buffered writer (timeline/activity-log.ts) and pruned by age.
 */
export interface ActivityStore {
  /** Writes a batch in one transaction. */
  recordActivity(entries: readonly ActivityEntry[]): Promise<void>;
  /** A pass's activity, newest first, before the entry `before` (null: from the newest). */
  listActivity(tenantId: string, serialNumber: string, options: { before: string | null; limit: number }): Promise<ActivityRecord[]>;
  /** Forgets activity from before `olderThan`; how many entries went. */
  pruneActivity(olderThan: string): Promise<number>;
  /**
   * The device library identifier registered with each of these push tokens (tokens without a
   * registration are left out), so a push's entry can name the device without showing its token.
   */
  findDevicesByPushToken(pushTokens: readonly string[]): Promise<Map<string, string>>;
}
