import type { EventRecord, EventType } from '../events/event-types';

/**
 * The Store port's part for events and webhooks. Events are written by the other aggregates'
 * writes, in their transaction, together with one webhook outbox row per subscribed endpoint;
 * these methods read them and run the deliveries.
 */
export interface EventStore {
  /** The tenant's events after the cursor (an event id; null: from the first), oldest first. */
  listEvents(query: EventQuery): Promise<EventRecord[]>;
  /** The tenant's events newest first, before the cursor (an event id; null: from the newest). */
  listRecentEvents(query: RecentEventQuery): Promise<EventRecord[]>;
  /** A pass's events, newest first, before the event `before` (null: from the newest). */
  listPassEvents(tenantId: string, serialNumber: string, options: { before: string | null; limit: number }): Promise<EventRecord[]>;
  /** Forgets events older than `createdBefore` whose deliveries have all ended; how many went. */
  pruneEvents(createdBefore: string): Promise<number>;

  /** Null when the tenant already has `maxPerTenant` endpoints. */
  createWebhookEndpoint(endpoint: NewWebhookEndpoint, maxPerTenant: number): Promise<WebhookEndpointRecord | null>;
  listWebhookEndpoints(tenantId: string): Promise<WebhookEndpointRecord[]>;
  /** Null when there is no such endpoint, or it is another tenant's. */
  findWebhookEndpoint(tenantId: string, id: string): Promise<WebhookEndpointRecord | null>;
  /** False when there was no such endpoint of the tenant's; its waiting deliveries go with it. */
  deleteWebhookEndpoint(tenantId: string, id: string): Promise<boolean>;
  /** The endpoint's most recent delivery attempts, newest first. */
  listWebhookAttempts(tenantId: string, endpointId: string, limit: number): Promise<WebhookAttemptRecord[]>;

  /**
   * Leases up to `limit` due deliveries of enabled endpoints (pending and available, or leased
   * with the lease run out) until `leaseUntil`; attempts go up by one.
   */
  claimWebhookDeliveries(options: { now: string; leaseUntil: string; limit: number }): Promise<WebhookDeliveryJob[]>;
  /** Records attempts and what follows from each, all in one transaction. */
  finishWebhookDeliveries(results: readonly WebhookDeliveryResult[]): Promise<void>;
  /** Forgets ended deliveries and attempts from before `before`; how many deliveries went. */
  pruneWebhookDeliveries(before: string): Promise<number>;
}

export interface EventQuery {
  tenantId: string;
  /** An event id; null to start at the first event. */
  after: string | null;
  limit: number;
  /** Only these types; null for all. */
  types: readonly EventType[] | null;
}

export interface RecentEventQuery {
  tenantId: string;
  /** An event id; null to start at the newest event. */
  before: string | null;
  limit: number;
  types: readonly EventType[] | null;
}

export interface NewWebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  /** `whsec_…`; sealed at rest. */
  secret: string;
  events: readonly EventType[];
  description: string | null;
  createdAt: string;
}

export interface WebhookEndpointRecord {
  id: string;
  tenantId: string;
  url: string;
  events: EventType[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
}

export interface WebhookDeliveryJob {
  id: string;
  endpointId: string;
  url: string;
  secret: string;
  event: EventRecord;
  /** Including this one. */
  attempts: number;
}

export type WebhookAttemptOutcome = 'delivered' | 'retrying' | 'failed';

export interface WebhookDeliveryResult {
  job: Pick<WebhookDeliveryJob, 'id' | 'endpointId' | 'attempts'> & { event: Pick<EventRecord, 'id' | 'type'> };
  at: string;
  /** The receiver's HTTP status; null when none came (timeout, refused connection). */
  status: number | null;
  error: string | null;
  /** Delivered; tried again from `retryAt`; or failed for good. */
  outcome: WebhookAttemptOutcome;
  retryAt?: string;
  /** Disables the endpoint, for this reason (a 410, or a delivery given up); its other waiting deliveries end too. */
  disableEndpoint?: string;
}

export interface WebhookAttemptRecord {
  eventId: string;
  type: string;
  attempt: number;
  status: number | null;
  attemptedAt: string;
  error: string | null;
  outcome: WebhookAttemptOutcome;
}
